# Debian packages: `cpack -G DEB` in a build tree makes two .debs,
# - herald (component `server`): herald, herald-bench, their man pages, the
#   systemd unit and /etc/default/herald;
# - herald-dev (component `dev`): the library, its headers and CMake package.
# packaging/ holds the unit, the environment file, the man page extras and
# the maintainer scripts; docs/operations.md explains them.
#
#   cmake --workflow --preset release && cd build/release && cpack -G DEB

set(herald_packaging_dir ${PROJECT_SOURCE_DIR}/packaging)

# Man pages, written by help2man from each binary's --help, so they cannot
# drift from the flags. They are built with the binaries (a fraction of a
# second each), so any build tree can be packaged.
find_program(HELP2MAN_EXECUTABLE help2man)
find_program(GZIP_EXECUTABLE gzip)
set(herald_man_pages "")
function(herald_man_page target name summary)
  if(NOT TARGET ${target})
    return()
  endif()
  if(NOT HELP2MAN_EXECUTABLE OR NOT GZIP_EXECUTABLE)
    message(STATUS "help2man or gzip not found: no man page for ${name} (run scripts/install-deps)")
    return()
  endif()
  set(page ${PROJECT_BINARY_DIR}/man/${name}.1)
  # --locale: the help text has UTF-8 (an em dash, µs), which help2man
  # otherwise turns into '?'. --version-string: herald-bench has no --version.
  # gzip -n leaves out the time stamp, as Debian's policy asks.
  add_custom_command(OUTPUT ${page}.gz
    COMMAND ${HELP2MAN_EXECUTABLE} --no-info --locale=C.UTF-8
      --version-string=${PROJECT_VERSION} --name=${summary}
      --include=${herald_packaging_dir}/${name}.h2m --output=${page} $<TARGET_FILE:${target}>
    COMMAND ${GZIP_EXECUTABLE} -9nf ${page}
    DEPENDS ${target} ${herald_packaging_dir}/${name}.h2m
    COMMENT "help2man: ${name}.1"
    VERBATIM)
  set(herald_man_pages ${herald_man_pages} ${page}.gz PARENT_SCOPE)
  install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT server)
endfunction()
herald_man_page(herald_app herald "Server-Sent Events server")
herald_man_page(herald_bench herald-bench "load generator for Server-Sent Events")
if(herald_man_pages)
  add_custom_target(herald_man_pages ALL DEPENDS ${herald_man_pages})
endif()

# The unit and the environment file are for the package only, hence
# EXCLUDE_FROM_ALL: the unit names /usr/bin/herald, and a plain
# `cmake --install` must not write to /etc. The secret-holding environment
# file is readable by root alone (systemd reads it before dropping privileges).
if(TARGET herald_app)
  install(FILES ${herald_packaging_dir}/herald.service DESTINATION lib/systemd/system
          COMPONENT server EXCLUDE_FROM_ALL)
  install(FILES ${herald_packaging_dir}/herald.default DESTINATION /etc/default RENAME herald
          PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT server EXCLUDE_FROM_ALL)
endif()

set(HERALD_PACKAGE_MAINTAINER "herald maintainers <maintainers@users.noreply.r-seed-20ea6d6b.example>"
    CACHE STRING "Maintainer field of the Debian packages")

# Debian's policy asks every package for /usr/share/doc/<package>/changelog.Debian.gz
# and a copyright file. The changelog has one entry, for the version being
# built, dated at configure time (or SOURCE_DATE_EPOCH, for reproducible
# builds); the copyright file is the project's LICENSE, once there is one.
set(herald_debian_revision 1) # the -1 of 0.1.0-1
string(TIMESTAMP herald_package_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
foreach(package_component herald:server herald-dev:dev)
  string(REPLACE ":" ";" package_component ${package_component})
  list(GET package_component 0 package)
  list(GET package_component 1 component)
  set(changelog ${PROJECT_BINARY_DIR}/packaging/${package}/changelog.Debian)
  file(WRITE ${changelog}
    "${package} (${PROJECT_VERSION}-${herald_debian_revision}) unstable; urgency=medium\n\n"
    "  * herald ${PROJECT_VERSION}, packaged with CPack from the source tree;\n"
    "    the project's history is its git log.\n\n"
    " -- ${HERALD_PACKAGE_MAINTAINER}  ${herald_package_date}\n")
  execute_process(COMMAND ${GZIP_EXECUTABLE} -9nf ${changelog})
  install(FILES ${changelog}.gz DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}
          COMPONENT ${component} EXCLUDE_FROM_ALL)
  if(EXISTS ${PROJECT_SOURCE_DIR}/LICENSE)
    install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}
            RENAME copyright COMPONENT ${component} EXCLUDE_FROM_ALL)
  endif()
endforeach()

set(CPACK_PACKAGE_NAME herald)
set(CPACK_PACKAGE_VENDOR herald)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPackDeb puts this summary above each component's description unless it is
# CPack's own default; each package's description begins with a synopsis of
# its own, so the summary stays at that default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_NAME} built using CMake")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server dev)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${HERALD_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # herald_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE ${herald_debian_revision})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# dpkg-shlibdeps reads the binaries' NEEDED entries and writes Depends.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME herald)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "Server-Sent Events server on C++20 coroutines
herald streams Server-Sent Events over HTTP/1.1 (GET /sse) with event ids and
Last-Event-ID resume, heartbeats, CORS, strict request parsing with limits and
timeouts, and a graceful shutdown. One event loop per core.
This package also has herald-bench, a load generator that holds many
thousands of SSE streams and reports latencies and the server's cost.
It installs a systemd unit, herald.service, which is neither enabled nor
started: set it up in /etc/default/herald, then enable it.")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "/etc/default/herald\n")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/conffiles
    ${herald_packaging_dir}/debian/postinst
    ${herald_packaging_dir}/debian/prerm
    ${herald_packaging_dir}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME herald-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# One -dev package for the core and its components, not one per component:
# they are small static libraries of one project, released together, and the
# CMake package looks for a component's dependencies only when a consumer asks
# for the component (find_package(herald COMPONENTS match)). So Depends lists
# what every component needs to be usable: the Debian -dev packages whose
# CMake or pkg-config files heraldConfig.cmake finds.
#   core: Asio (its headers are included by herald's)
#   match: RE2, libidn2 (pkg-config)    auth: OpenSSL 3, nlohmann/json
#   redis: hiredis (pkg-config)
set(herald_dev_depends "libasio-dev (>= 1:1.22)")
if(TARGET herald_match)
  string(APPEND herald_dev_depends ", libre2-dev, libidn2-dev")
endif()
if(TARGET herald_auth)
  string(APPEND herald_dev_depends ", libssl-dev (>= 3), nlohmann-json3-dev (>= 3.10)")
endif()
if(TARGET herald_redis_protocol)
  string(APPEND herald_dev_depends ", libhiredis-dev")
endif()
if(TARGET herald_match OR TARGET herald_redis_protocol)
  string(APPEND herald_dev_depends ", pkgconf | pkg-config")
endif()
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${herald_dev_depends}")
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "Server-Sent Events library on C++20 coroutines and Asio (development files)
libherald is an I/O-free HTTP/1.1 request parser and chunked body decoder, an
exact SSE encoder, a WHATWG-exact SSE parser, and awaitable I/O on standalone
Asio built on them. Its components: Mercure topic matchers (URL Pattern, URI
templates; RE2), JWS access tokens (OpenSSL), the hub's I/O-free core, and a
Redis client. This package has the static libraries, their headers and a
CMake package: find_package(herald) and link herald::herald, or
find_package(herald COMPONENTS match auth hub redis) and link herald::match,
herald::auth, herald::hub, herald::redis.")

include(CPack)
