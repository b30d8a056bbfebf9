// Not compiled: the test-name check must fail on this file, listing the four
// names below by line (tests/lint/check_test_names.cmake). Kept as written:
// clang-format off
TEST_CASE("a name that reads as a sentence passes") {
    SECTION("--a section that reads as a flag is listed") {}
}

TEST_CASE(
    "--port 0 is listed, though its name is on the next line", "[tag]") {}

TEST_CASE_METHOD(fixture, "-v is listed too") {}

TEST_CASE("a name with a semicolon; ctest splits it in two") {}
