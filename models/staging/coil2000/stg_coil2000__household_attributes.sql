-- CoIL 2000 attributes 1-85 of every household in long form, named from the data dictionary
-- (seed coil2000_attributes, built from TicDataDescr.txt). UNPIVOT is DuckDB syntax: this
-- model is part of the CoIL source reader.
with households as (
    select * from {{ ref('stg_coil2000__households') }}
    where parse_error is null
),

attributes as (
    select * from {{ ref('coil2000_attributes') }}
),

long_form as (
    unpivot (
        select
            source_name, source_file, source_row, customer_id,
            {%- for position in range(1, 86) %}
            attribute_{{ position }}{{ ',' if not loop.last }}
            {%- endfor %}
        from households
    )
    on {% for position in range(1, 86) %}attribute_{{ position }}{{ ', ' if not loop.last }}{% endfor %}
    into name attribute_column value value
),

named as (
    select
        long_form.source_name,
        long_form.source_file,
        long_form.source_row,
        long_form.customer_id,
        cast(attributes.attribute_position as integer) as attribute_position,
        cast(attributes.attribute_name as varchar) as attribute_name,
        cast(attributes.attribute_label as varchar) as attribute_label,
        cast(long_form.value as integer) as value
    from long_form
    inner join attributes
        on cast(replace(long_form.attribute_column, 'attribute_', '') as integer) = attributes.attribute_position
)

select * from named
