"""`warm_up` loads in the parent, before workers fork, what every worker would otherwise load itself."""

import subprocess
import sys

SCRIPT = """
import importlib.util, sys
from ingest.config import IngestConfig
from ingest.steps.document import warm_up
before = set(sys.modules)
warm_up(IngestConfig())
from ingest.extract import block_filter, recall
from ingest.steps import language
from ingest.clean.rules.engine import DEFAULT_RULES, rules_for
print(language._factory.cache_info().currsize, block_filter.load_model.cache_info().currsize)
print(rules_for(IngestConfig().clean) is DEFAULT_RULES)
print(("pandas" in sys.modules) == (importlib.util.find_spec("pandas") is not None))
from tld.utils import tld_names
print(len(tld_names))
"""


def test_warm_up_loads_models_profiles_rules_and_pyarrows_pandas_check() -> None:
    """pyarrow imports pandas (when installed) the first time it builds an array from a list: about 0.4 s
    per process, so the parent pays it once and forked workers inherit it; the same for the public-suffix
    table (tld, through courlan) that trafilatura's metadata loads for some hosts."""
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "2", "True", "True", "1"]
