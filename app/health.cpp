#include "health.hpp"

#include "herald/http/response.hpp"

namespace herald::app {

std::string health_state::not_live() const {
    const auto now = clock::now().time_since_epoch().count();
    const auto limit = std::chrono::duration_cast<clock::duration>(stall_limit).count();
    for (std::size_t i = 0; i < beats_.size(); ++i)
        if (now - beats_[i].value.load(std::memory_order_relaxed) > limit)
            return "worker " + std::to_string(i) + " has not run its event loop for over " +
                   std::to_string(stall_limit.count()) + "ms";
    return {};
}

std::string health_state::not_ready() const {
    if (!listening_.load(std::memory_order_relaxed))
        return "not listening yet";
    if (draining())
        return "shutting down";
    if (cluster_ready && !cluster_ready())
        return "not connected to Redis";
    return {};
}

bool is_health_path(std::string_view path) noexcept {
    return path == "/healthz" || path == "/readyz";
}

std::string health_response(const http::request& req, const health_state& health) {
    if (req.method != "GET" && req.method != "HEAD")
        return http::error_response(405, "use GET", {{"Allow", "GET, HEAD"}});
    const auto problem = req.path == "/healthz" ? health.not_live() : health.not_ready();
    const std::string body = problem.empty() ? "ok\n" : problem + "\n";
    http::response_head head(problem.empty() ? 200 : 503);
    head.set("Content-Type", "text/plain; charset=utf-8")
        .set("Content-Length", std::to_string(body.size()))
        .set("Cache-Control", "no-store");
    auto bytes = head.str();
    if (req.method == "GET")
        bytes += body;
    return bytes;
}

} // namespace herald::app
