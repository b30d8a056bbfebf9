// A project outside herald's tree, built against the installed package.
#include <herald/herald.hpp>

#include <cstdio>

int main() {
    std::string out;
    if (herald::sse::encode({.data = "installed", .type = {}, .id = "7", .retry = {}}, out))
        return 1;
    std::fputs(out.c_str(), stdout);
    return 0;
}
