"""What the build checks about raw files before it reads them: their identity by content, and the integrity of
compressed ones (:mod:`custseg.raw_input.files`), as SQL functions of dbt's connection
(:mod:`custseg.raw_input.dbt_plugin`)."""
