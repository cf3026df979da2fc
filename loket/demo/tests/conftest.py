from loket.onsite.tests.conftest import office_a, office_b

__all__ = ["office_a", "office_b"]
