from tests.conftest import TEST_API_KEY

KEY = TEST_API_KEY
