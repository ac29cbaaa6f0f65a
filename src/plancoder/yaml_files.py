"""YAML files people write by hand (budgets, alert rules): parsed safely, a key given twice refused.

PyYAML keeps the last of two equal keys without a word, so a budget with ``max_metric_calls`` twice
would run with whichever came last; here that is an error naming the key and its line.
"""

from functools import cache
from typing import Any

from plancoder.config import read_text
from plancoder.errors import ConfigError


def read_yaml(source: Any, what: str, missing_fix: str) -> Any:
    """A YAML file (a path or a packaged resource) parsed; ``what`` names it in the errors."""
    import yaml

    text = read_text(source, what, missing_fix)
    try:
        return yaml.load(text, Loader=_unique_key_loader())  # a SafeLoader
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise ConfigError(f"{source} is not valid YAML: {problem}", "fix the syntax at that line") from None


@cache
def _unique_key_loader() -> type:
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    twice = f"key {key!r} appears twice"
                    raise yaml.constructor.ConstructorError(None, None, twice, key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    return UniqueKeyLoader
