"""unittest with the method names that exist in Python 3.12+."""

import unittest
from unittest import TestLoader

from modern_app import config, service, shapes


class ShapesTest(unittest.TestCase):
    def test_first(self) -> None:
        self.assertEqual(shapes.first([1, 2]), 1)
        self.assertNotEqual(shapes.first([2]), 1)
        self.assertTrue(shapes.is_mapping({}))
        self.assertFalse(shapes.is_mapping([]))

    def test_group(self) -> None:
        self.assertCountEqual(shapes.group(["ab", "ac"])["a"], ["ac", "ab"])
        self.assertAlmostEqual(0.1 + 0.2, 0.3)
        self.assertNotAlmostEqual(0.1, 0.3)

    def test_errors(self) -> None:
        with self.assertRaisesRegex(KeyError, "x"):
            shapes.Registry()["x"]
        self.assertRaises(KeyError, shapes.Registry().__getitem__, "y")
        self.assertRegex("abc", "^a")
        self.assertNotRegex("abc", "^z")

    def test_subset(self) -> None:
        actual = {"a": 1, "b": 2}
        self.assertEqual(actual, actual | {"a": 1})
        self.assertLessEqual({"a": 1}.items(), actual.items())


class ServiceTest(unittest.IsolatedAsyncioTestCase):
    async def test_fetch(self) -> None:
        self.assertEqual(await service.fetch("x"), "X")

    async def test_queue(self) -> None:
        self.assertEqual(await service.run_queue(["a"]), ["a"])


class ConfigTest(unittest.TestCase):
    def test_encode(self) -> None:
        self.assertEqual(config.decode(config.encode(b"hi")), b"hi")


def load_tests(loader: TestLoader, tests: unittest.TestSuite, pattern: str) -> unittest.TestSuite:
    suite = unittest.TestSuite()
    suite.addTests(loader.loadTestsFromTestCase(ShapesTest))
    suite.addTests(unittest.TestLoader().loadTestsFromTestCase(ConfigTest))
    suite.addTests(loader.loadTestsFromModule(service))
    names = loader.getTestCaseNames(ServiceTest)
    suite.addTests(ServiceTest(name) for name in names)
    return suite


if __name__ == "__main__":
    unittest.main()
