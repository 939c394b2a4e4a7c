{#-
    score_clv(summary_relation, parameters_relation, horizon_days, id_column='customer_id')

    A select statement that scores every row of `summary_relation` (the CLV summary columns of customer_rfm:
    frequency_repeat, recency_clv, t_days in days, monetary_value; rows with a null frequency_repeat are left out)
    with the models stored in `parameters_relation` (a clv_model_parameters table: BG/NBD r, alpha, a, b and
    Gamma-Gamma p, q, v, in the fit's time unit), in portable SQL. Returns <id_column>, p_alive,
    expected_purchases, expected_order_value. `horizon_days`: a number or an expression (days). An empty
    parameters table gives no rows.

    With x = frequency_repeat, t_x = recency, T = age and t = horizon in the fit's unit (Fader, Hardie & Lee 2005):
      p_alive             = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))   (1 when x = 0)
      expected_purchases  = (a + b + x - 1) / (a - 1) * (1 - (1 - z)^(a - 1) * F) * p_alive,   z = t / (alpha + T + t)
          with F = 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z): the paper's equation (10) in Euler's form of the
          Gauss hypergeometric function, whose series sum_k (A)_k (B)_k / ((C)_k k!) z^k converges quickly
      expected_order_value = (1 - w) * v * p / (q - 1) + w * monetary_value,   w = p x / (p x + q - 1)
          (Gamma-Gamma; null when q <= 1 or there is no Gamma-Gamma fit)

    The series: the terms' logarithms are running sums over a generated range of k (dbt.generate_series), kept
    apart as a part shared by every customer ((A)_k (B)_k / k!, with its sign), a part per frequency ((C)_k) and
    a part per age (z^k), and summed per distinct (x, T) in exact decimals (the same figure on every run). Each
    (x, T) sums k <= ceil(ln(1e-20) / ln(z)) terms past the last negative factor (twice as many when a > 2),
    at most var clv.series_terms (macro clv_setting). The data test tests/clv/assert_sql_clv_matches_python.sql
    holds every customer to scipy.special.hyp2f1 within 1e-9 on every build.
-#}
{% macro score_clv(summary_relation, parameters_relation, horizon_days, id_column='customer_id') -%}
{%- set max_terms = clv_setting('series_terms') -%}
with clv_parameters as (
    select
        max(case when model = 'bg_nbd' and parameter = 'r' then value end) as r,
        max(case when model = 'bg_nbd' and parameter = 'alpha' then value end) as alpha,
        max(case when model = 'bg_nbd' and parameter = 'a' then value end) as a,
        max(case when model = 'bg_nbd' and parameter = 'b' then value end) as b,
        max(case when model = 'gamma_gamma' and parameter = 'p' then value end) as gg_p,
        max(case when model = 'gamma_gamma' and parameter = 'q' then value end) as gg_q,
        max(case when model = 'gamma_gamma' and parameter = 'v' then value end) as gg_v,
        max(time_unit_days) as time_unit_days
    from {{ parameters_relation }}
    having count(case when model = 'bg_nbd' then 1 end) = 4
),

summary_rows as (
    select
        summary.{{ id_column }} as scored_id,
        cast(summary.frequency_repeat as {{ scoring_double() }}) as x,
        cast(summary.recency_clv as {{ scoring_double() }}) / clv_parameters.time_unit_days as t_x,
        cast(summary.t_days as {{ scoring_double() }}) / clv_parameters.time_unit_days as age,
        cast(summary.monetary_value as {{ scoring_double() }}) as monetary_value,
        cast({{ horizon_days }} as {{ scoring_double() }}) / clv_parameters.time_unit_days as horizon
    from {{ summary_relation }} as summary
    cross join clv_parameters
    where summary.frequency_repeat is not null
),

-- The series' three parameters: A and B are the same for every customer, C = a + b + x - 1.
hyp_parameters as (
    select
        r,
        alpha,
        a,
        b,
        a + b - 1 - r as hyp_a,
        a - 1 as hyp_b
    from clv_parameters
),

term_numbers as (
    select cast(generated_number as integer) as k
    from ({{ dbt.generate_series(max_terms) }}) as generated
),

-- Term k of the series is prod_{j < k} (A + j) (B + j) / ((C + j) (j + 1)) * z^k: the factor that turns term
-- k - 1 into term k is (A + k - 1) (B + k - 1) / ((C + k - 1) k) * z. Each factor is formed without subtracting
-- 1 from a + b or a first, as A + k - 1 = (a + b - r) + (k - 2), B + k - 1 = a + (k - 2) and
-- C + k - 1 = (a + b) + (x + k - 2): next to the edge (a, b -> 0) a + b - 1 + 1 would keep only the digits of a + b
-- that survive the subtraction (the same form as custseg.clv.bgnbd.euler_series_tail).
term_factors as (
    select
        term_numbers.k,
        (hyp_parameters.a + hyp_parameters.b - hyp_parameters.r) + (term_numbers.k - 2) as a_factor,
        hyp_parameters.a + (term_numbers.k - 2) as b_factor
    from term_numbers
    cross join hyp_parameters
),

shared_factors as (
    select
        k,
        case when a_factor = 0 then 0 else ln(abs(a_factor)) end
        + case when b_factor = 0 then 0 else ln(abs(b_factor)) end
        - ln(k) as log_factor,
        case when a_factor < 0 then 1 else 0 end + case when b_factor < 0 then 1 else 0 end as negative_factors,
        case when a_factor = 0 or b_factor = 0 then 1 else 0 end as zero_factors
    from term_factors
),

shared_terms as (
    select
        k,
        sum(log_factor) over (order by k rows between unbounded preceding and current row) as log_shared,
        sum(negative_factors) over (order by k rows between unbounded preceding and current row) as negatives,
        sum(zero_factors) over (order by k rows between unbounded preceding and current row) as zeros
    from shared_factors
),

patterns as (
    select distinct
        summary_rows.x,
        summary_rows.age,
        summary_rows.horizon / (hyp_parameters.alpha + summary_rows.age + summary_rows.horizon) as z
    from summary_rows
    cross join hyp_parameters
),

-- Terms each (x, T) sums: past every negative factor of A, B and C, until z^k < 1e-20 (twice that when a > 2,
-- whose (B)_k / k! grows like k^(a - 2)).
pattern_terms as (
    select
        patterns.x,
        patterns.age,
        patterns.z,
        least(
            {{ max_terms }},
            cast(ceil(greatest(0, -hyp_parameters.hyp_a, -hyp_parameters.hyp_b,
                -(hyp_parameters.a + hyp_parameters.b + patterns.x - 1))) as integer)
            + cast(ceil(ln(1e-20) / ln(patterns.z)) as integer) * (case when hyp_parameters.a > 2 then 2 else 1 end)
        ) as n_terms
    from patterns
    cross join hyp_parameters
),

frequency_factors as (
    select
        frequencies.x,
        term_numbers.k,
        (hyp_parameters.a + hyp_parameters.b) + (frequencies.x + term_numbers.k - 2) as c_factor
    from (select distinct x from pattern_terms) as frequencies
    cross join term_numbers
    cross join hyp_parameters
    where term_numbers.k <= (select max(n_terms) from pattern_terms)
),

frequency_terms as (
    select
        x,
        k,
        sum(case when c_factor = 0 then 0 else ln(abs(c_factor)) end)
            over (partition by x order by k rows between unbounded preceding and current row) as log_frequency,
        sum(case when c_factor < 0 then 1 else 0 end)
            over (partition by x order by k rows between unbounded preceding and current row) as negatives,
        sum(case when c_factor = 0 then 1 else 0 end)
            over (partition by x order by k rows between unbounded preceding and current row) as zeros
    from frequency_factors
),

series as (
    select
        pattern_terms.x,
        pattern_terms.age,
        pattern_terms.z,
        -- a zero factor in C (a non-positive whole number) leaves F undefined: null
        case when max(frequency_terms.zeros) = 0 then
            1 + cast(sum(cast(
                case
                    when shared_terms.zeros > 0 then 0
                    else (case when mod(shared_terms.negatives + frequency_terms.negatives, 2) = 1 then -1 else 1 end)
                        * exp(shared_terms.log_shared - frequency_terms.log_frequency + frequency_terms.k * ln(pattern_terms.z))
                end as decimal(38, 24))) as {{ scoring_double() }})
        end as hyp
    from pattern_terms
    inner join frequency_terms
        on pattern_terms.x = frequency_terms.x
        and frequency_terms.k <= pattern_terms.n_terms
    inner join shared_terms on frequency_terms.k = shared_terms.k
    group by pattern_terms.x, pattern_terms.age, pattern_terms.z
),

alive as (
    select
        summary_rows.*,
        case
            when summary_rows.x = 0 then cast(1 as {{ scoring_double() }})
            else ln(clv_parameters.a / (clv_parameters.b + (summary_rows.x - 1)))
                + (clv_parameters.r + summary_rows.x)
                * ln((clv_parameters.alpha + summary_rows.age) / (clv_parameters.alpha + summary_rows.t_x))
        end as log_odds_dead
    from summary_rows
    cross join clv_parameters
),

scored as (
    select
        alive.scored_id as {{ id_column }},
        case
            when alive.x = 0 then cast(1 as {{ scoring_double() }})
            when alive.log_odds_dead > 700 then cast(0 as {{ scoring_double() }})
            else 1 / (1 + exp(alive.log_odds_dead))
        end as p_alive,
        ((clv_parameters.a + clv_parameters.b) + (alive.x - 1)) / (clv_parameters.a - 1)
        * (1 - exp((clv_parameters.a - 1) * ln(1 - series.z)) * series.hyp) as purchases_if_alive,
        case
            when clv_parameters.gg_q > 1 then
                (1 - clv_parameters.gg_p * alive.x / (clv_parameters.gg_p * alive.x + clv_parameters.gg_q - 1))
                * clv_parameters.gg_v * clv_parameters.gg_p / (clv_parameters.gg_q - 1)
                + clv_parameters.gg_p * alive.x / (clv_parameters.gg_p * alive.x + clv_parameters.gg_q - 1)
                * (case when alive.x > 0 then alive.monetary_value else 0 end)
        end as expected_order_value
    from alive
    cross join clv_parameters
    inner join series
        on alive.x = series.x
        and alive.age = series.age
)

select
    {{ id_column }},
    p_alive,
    purchases_if_alive * p_alive as expected_purchases,
    expected_order_value
from scored
{%- endmacro %}
