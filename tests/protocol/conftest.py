"""Shared set-up for the protocol tests: every kernel started here writes to a throw-away store."""
import os
import tempfile

import pytest

_store_dir = tempfile.mkdtemp(prefix="modelbench-test-store-")
os.environ["MODELBENCH_STORE"] = f"sqlite:///{_store_dir}/store.db"


@pytest.fixture(scope="module")
def kernel():
    """One kernel shared by the tests of a module."""
    from kernel_helpers import fresh_kernel

    with fresh_kernel() as pair:
        yield pair


@pytest.fixture(scope="session")
def store_path():
    return os.path.join(_store_dir, "store.db")
