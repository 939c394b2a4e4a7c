-- CoIL 2000 households, one row per raw line of ticdata2000.txt (training, 86 columns: the 85
-- attributes and CARAVAN) and ticeval2000.txt (evaluation, the 85 attributes only).
-- Tab-separated integers without a header; column names come from seed coil2000_attributes.
-- Households are identified by file and 1-based line: train_<line> / eval_<line>.
-- Read as text so no line is lost: unparseable lines and non-integer values keep a parse_error.
{%- set delimiter = var('coil2000_delimiter', '\t') %}
{%- set files = [
    {'part': 'train', 'key': 'coil2000__train', 'table': 'raw_coil2000_train_lines', 'columns': 86},
    {'part': 'eval', 'key': 'coil2000__eval', 'table': 'raw_coil2000_eval_lines', 'columns': 85},
] %}
{%- set hooks = [] %}
{%- for file in files %}
    {%- do hooks.extend(raw_csv_load_hooks(file.table, raw_file_pattern(file.key), delimiter, false)) %}
{%- endfor %}
{{ config(materialized='table', pre_hook=hooks) }}
-- depends_on: {{ ref('coil2000_attributes') }}

with
{%- for file in files %}
{%- set pattern = raw_file_pattern(file.key) %}
{%- set found = raw_csv_columns('coil2000', pattern, delimiter, false) %}
{%- if execute and found | length != file.columns %}
    {{ exceptions.raise_compiler_error(
        "coil2000: raw file '" ~ pattern ~ "' has " ~ found | length ~ " tab-separated columns, expected "
        ~ file.columns ~ " (85 attributes" ~ (" + CARAVAN" if file.part == 'train' else "")
        ~ "). Is it the right file, and is it tab-separated?") }}
{%- endif %}
{%- set columns = [] %}
{%- for position in range(file.columns) %}{% do columns.append('column%02d' % position) %}{% endfor %}

{{ file.part }}_lines as (
    {% if execute %}{{ raw_csv_lines(file.table, columns, false) }}{% else %}select 1 as placeholder{% endif %}
),

{{ file.part }}_typed as (
    select
        '{{ file.part }}' as part,
        filename,
        source_row,
        parse_error as reader_error,
        raw_line,
        {%- for position in range(1, 86) %}
        try_cast(trim(column{{ '%02d' % (position - 1) }}) as integer) as attribute_{{ position }},
        {%- endfor %}
        {% if file.part == 'train' %}try_cast(trim(column85) as integer){% else %}cast(null as integer){% endif %}
            as caravan,
        case
            when parse_error is not null then parse_error
            {%- for column in columns %}
            when {{ column }} is null then 'missing_attribute_{{ loop.index }}'
            when try_cast(trim({{ column }}) as integer) is null then 'invalid_attribute_{{ loop.index }}'
            {%- endfor %}
        end as parse_error,
        concat_ws(chr(9), {{ columns | join(', ') }}) as text_values
    from {{ file.part }}_lines
),
{%- endfor %}

households as (
    select * from train_typed
    union all
    select * from eval_typed
),

final as (
    select
        'coil2000' as source_name,
        {{ raw_file_path('filename') }} as source_file,
        cast(source_row as bigint) as source_row,
        part || '_' || cast(source_row as varchar) as customer_id,
        part = 'train' as is_training,
        {%- for position in range(1, 86) %}
        attribute_{{ position }},
        {%- endfor %}
        caravan,
        parse_error,
        case when reader_error is not null then raw_line when parse_error is not null then text_values end
            as raw_values
    from households
)

select * from final
