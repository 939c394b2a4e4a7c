{#-
    score_response_trees(features_relation, nodes_relation, id_column='customer_id', feature_names=none)

    A select statement that scores every row of `features_relation` with the gradient-boosting response model
    stored in `nodes_relation` (the `response_tree_nodes` table of custseg.response.trees.tree_nodes_table: one
    row per node of every tree), in portable SQL. Returns columns <id_column>, tree_probability.

        at a split on feature f a row goes left when  x_f <= raw_threshold,  or x_f is null and null_goes_left
        (the split's threshold on the imputed, transformed value, mapped back to the raw column: no ln and no
        imputation in SQL, so every engine takes the same branch as Python, bit for bit)
        z = baseline + sum over trees of the leaf_value of the leaf the row reaches
        p = 1 / (1 + exp(-z))   (written as exp(z) / (1 + exp(z)) for z < 0, so exp never overflows)

    The leaf is found without walking the tree level by level (QuickScorer, Lucchese et al. 2015): number a
    tree's leaves left to right (bit 2^k); every split whose test fails removes the leaves of its left subtree;
    the leaf reached is the leftmost leaf left. So each row meets each tree once (one cross join of rows and
    trees, the splits of a tree as columns: split_slot 1..n), then one join finds the leaf. This relies on
    node ids in depth-first pre-order, left subtree first (as scikit-learn numbers them; checked by
    tree_nodes_table), and allows up to 63 leaves per tree (a bigint of leaf bits).

    Compile-time shape only: the feature list (`feature_names`, feature_position k = the k-th name, checked
    against the table's split features: a mismatch is a compilation error; when none, the split features read
    from the table) and the largest number of splits in a tree (read at execute time). Every number is data, so a refit model scores without code changes. `id_column` should be unique.
    An empty node table gives no rows. Reference: custseg.response.trees.predict_proba_from_tree_nodes;
    agreement with Python (1e-9): tests/python/test_response_trees.py.
-#}
{% macro score_response_trees(features_relation, nodes_relation, id_column='customer_id', feature_names=none) -%}
    {%- set positions = [] -%}
    {%- set names = [] -%}
    {%- set table_features = [] -%}
    {%- if execute -%}
        {%- set rows = run_query(
            "select distinct feature_position, feature_name from " ~ nodes_relation
            ~ " where feature_position is not null order by feature_position") -%}
        {%- for row in rows.rows -%}
            {%- do table_features.append((row[0] | int, row[1])) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if feature_names is none -%}
        {%- for p, f in table_features -%}
            {%- do positions.append(p) -%}
            {%- do names.append(f) -%}
        {%- endfor -%}
    {%- else -%}
        {%- for f in feature_names -%}
            {%- do positions.append(loop.index) -%}
            {%- do names.append(f) -%}
        {%- endfor -%}
        {%- for p, f in table_features -%}
            {%- if p > feature_names | length or feature_names[p - 1] != f -%}
                {{ exceptions.raise_compiler_error(
                    "score_response_trees: " ~ nodes_relation ~ " splits on feature_position " ~ p ~ " = '" ~ f
                    ~ "', which is not the " ~ p ~ "-th of feature_names " ~ feature_names) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set max_splits = 0 -%}
    {%- if execute -%}
        {%- set split_rows = run_query(
            "select max(split_count) from (select tree_id, count(*) as split_count from " ~ nodes_relation
            ~ " where not is_leaf group by tree_id) as split_counts") -%}
        {%- if split_rows.rows | length > 0 and split_rows.rows[0][0] is not none -%}
            {%- set max_splits = split_rows.rows[0][0] | int -%}
        {%- endif -%}
    {%- endif -%}
    {%- set float = scoring_double() -%}
    {%- set bigint = dbt.type_bigint() %}
    with tree_features as (
        select
            {{ id_column }} as tree_row_id,
            row_number() over (order by {{ id_column }}) as tree_row_key
            {%- for f in names %},
            cast({{ f }} as {{ float }}) as tree_x_{{ positions[loop.index0] }}
            {%- endfor %}
        from {{ features_relation }}
    ),

    tree_node_rows as (
        select
            tree_id, node_id, is_leaf, feature_position, raw_threshold, null_goes_left, left_child, right_child,
            leaf_value
        from {{ nodes_relation }}
    ),

    {# leaf_bit = 2^(k - 1) for the k-th leaf of its tree from the left (pre-order = left to right) #}
    tree_leaves as (
        select
            tree_id,
            node_id,
            leaf_value,
            cast(power(2, row_number() over (partition by tree_id order by node_id) - 1) as {{ bigint }}) as leaf_bit
        from tree_node_rows
        where is_leaf
    ),

    tree_splits as (
        select
            tree_id,
            node_id,
            feature_position,
            raw_threshold,
            case when null_goes_left then 1 else 0 end as null_goes_left,
            left_child,
            right_child,
            row_number() over (partition by tree_id order by node_id) as split_slot
        from tree_node_rows
        where not is_leaf
    ),

    {# the leaves of a split's left subtree: node ids left_child .. right_child - 1 #}
    tree_split_masks as (
        select
            s.tree_id,
            s.split_slot,
            s.feature_position,
            s.raw_threshold,
            s.null_goes_left,
            sum(l.leaf_bit) as left_leaves
        from tree_splits as s
        inner join tree_leaves as l
            on l.tree_id = s.tree_id and l.node_id >= s.left_child and l.node_id < s.right_child
        group by s.tree_id, s.split_slot, s.feature_position, s.raw_threshold, s.null_goes_left
    ),

    {# one row per tree, its splits as columns (a tree with fewer splits has empty slots: they remove nothing) #}
    tree_slots as (
        select
            t.tree_id
            {%- for j in range(1, max_splits + 1) %},
            max(case when m.split_slot = {{ j }} then m.feature_position end) as position_{{ j }},
            max(case when m.split_slot = {{ j }} then m.raw_threshold end) as threshold_{{ j }},
            max(case when m.split_slot = {{ j }} then m.null_goes_left end) as null_left_{{ j }},
            coalesce(max(case when m.split_slot = {{ j }} then m.left_leaves end), 0) as left_leaves_{{ j }}
            {%- endfor %}
        from (select distinct tree_id from tree_node_rows) as t
        left join tree_split_masks as m
            on m.tree_id = t.tree_id
        group by t.tree_id
    ),

    {# alive = the leaf bits no failed split removed (all bits set to start: -1) #}
    tree_alive as (
        select
            f.tree_row_key,
            t.tree_id,
            {%- if max_splits == 0 %}
            cast(-1 as {{ bigint }}) as alive
            {%- else %}
            {%- for j in range(1, max_splits + 1) %}
            {{ '' if loop.first else '& ' }}(case
                when coalesce({{ score_response_trees_pick(positions, 0, positions | length, 't.position_' ~ j) }} <= t.threshold_{{ j }},
                              t.null_left_{{ j }} = 1) then cast(-1 as {{ bigint }})
                else -1 - t.left_leaves_{{ j }}
            end)
            {%- endfor %} as alive
            {%- endif %}
        from tree_features as f
        cross join tree_slots as t
    ),

    {# the leftmost leaf left: the lowest set bit, alive & -alive #}
    tree_exits as (
        select
            tree_row_key,
            tree_id,
            alive & (0 - alive) as leaf_bit
        from tree_alive
    ),

    tree_leaf_sums as (
        select
            e.tree_row_key,
            sum(l.leaf_value) as leaf_sum
        from tree_exits as e
        inner join tree_leaves as l
            on l.tree_id = e.tree_id and l.leaf_bit = e.leaf_bit
        group by e.tree_row_key
    ),

    tree_baseline as (
        select max(baseline) as baseline
        from {{ nodes_relation }}
    ),

    tree_raw_scores as (
        select
            f.tree_row_id,
            b.baseline + s.leaf_sum as raw_score
        from tree_leaf_sums as s
        inner join tree_features as f
            on f.tree_row_key = s.tree_row_key
        cross join tree_baseline as b
    )

    select
        cast(tree_row_id as {{ dbt.type_string() }}) as {{ id_column }},
        case
            when raw_score >= 0 then 1 / (1 + exp(-raw_score))
            else exp(raw_score) / (1 + exp(raw_score))
        end as tree_probability
    from tree_raw_scores
{%- endmacro %}

{#- The value of the feature at position `position` (a column or expression): a CASE over positions[lo:hi]
    nested as a binary search, so a row costs log2(features) comparisons, not one per feature. -#}
{% macro score_response_trees_pick(positions, lo, hi, position) -%}
    {%- if hi - lo <= 0 -%}
        cast(null as {{ scoring_double() }})
    {%- elif hi - lo == 1 -%}
        f.tree_x_{{ positions[lo] }}
    {%- else -%}
        {%- set mid = ((lo + hi) / 2) | int -%}
        case when {{ position }} < {{ positions[mid] }} then {{ score_response_trees_pick(positions, lo, mid, position) }} else {{ score_response_trees_pick(positions, mid, hi, position) }} end
    {%- endif -%}
{%- endmacro %}
