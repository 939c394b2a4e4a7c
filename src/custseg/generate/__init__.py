"""The deterministic synthetic world behind the default `sample` data set."""

from custseg.generate.world import WorldSpec, generate_world

__all__ = ["WorldSpec", "generate_world"]
