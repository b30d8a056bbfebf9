#include "herald/http/form.hpp"

#include "catch.hpp"

using herald::http::form_field;
using herald::http::parse_form;
using herald::http::percent_decode;

TEST_CASE("form pairs are split on & and at the first =, in order, repeats kept") {
    CHECK(parse_form("topic=a&data=x=y&topic=b") ==
          std::vector<form_field>{{"topic", "a"}, {"data", "x=y"}, {"topic", "b"}});
}

TEST_CASE("a form name without = has an empty value, and empty pieces are dropped") {
    CHECK(parse_form("private&&topic=a&") ==
          std::vector<form_field>{{"private", ""}, {"topic", "a"}});
    CHECK(parse_form("").empty());
    CHECK(parse_form("&&&").empty());
    CHECK(parse_form("=") == std::vector<form_field>{{"", ""}});
}

TEST_CASE("form names and values are percent-decoded and + is a space") {
    CHECK(parse_form("da%74a=the%20content+here%2B%26") ==
          std::vector<form_field>{{"data", "the content here+&"}});
    CHECK(parse_form("topic=https%3A%2F%2Fexample.com%2Fbooks%2F1") ==
          std::vector<form_field>{{"topic", "https://example.com/books/1"}});
}

TEST_CASE("invalid percent escapes are kept as they are, as WHATWG says") {
    CHECK(percent_decode("%") == "%");
    CHECK(percent_decode("%4") == "%4");
    CHECK(percent_decode("%zz%4g") == "%zz%4g");
    CHECK(percent_decode("100%") == "100%");
    CHECK(percent_decode("%41%") == "A%");
}

TEST_CASE("percent-decoding yields raw bytes, NUL and invalid UTF-8 included") {
    CHECK(percent_decode("%00%ff") == std::string("\0\xff", 2));
}

TEST_CASE("+ is a space only in form data") {
    CHECK(percent_decode("a+b") == "a+b");
    CHECK(percent_decode("a+b", true) == "a b");
    CHECK(percent_decode("%2B", true) == "+");
}
