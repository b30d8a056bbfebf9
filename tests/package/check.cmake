# Checks the Debian packages that `cpack -G DEB` makes from this build tree.
#
#   cmake -DCHECK=<build|server|dev|unit|scripts|environment> -DBINARY_DIR=<build tree>
#         -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -DEXPECT_BENCH=<ON|OFF>
#         -DCPACK=<cpack> -DCXX=<compiler> -DSANITIZE=<HERALD_SANITIZE> -P check.cmake
#
# `build` runs cpack and unpacks herald's .deb into WORK_DIR/root; the other
# checks read what it left there (a ctest fixture orders them).
#
# The packages are made from the build tree under test, not from a second
# Release build: cpack only installs what is built already, which takes
# seconds, where a second build of herald takes minutes. What is checked (the
# files, the metadata, the unit) is the same in both; the release packages
# differ only in their optimised binaries.

cmake_minimum_required(VERSION 3.25)
set(root ${WORK_DIR}/root)
set(control ${WORK_DIR}/control)

function(run out)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "${command} failed (${rc}):\n${stdout}${stderr}")
  endif()
  set(${out} "${stdout}" PARENT_SCOPE)
endfunction()

function(find_deb out package)
  file(GLOB debs ${WORK_DIR}/${package}_*.deb)
  list(LENGTH debs n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one ${package}_*.deb in ${WORK_DIR}, found ${n}: run the build check")
  endif()
  set(${out} ${debs} PARENT_SCOPE)
endfunction()

# Counts a failure unless `text` matches each regular expression in ARGN
# (expect), or matches none of them (expect_not).
set(failures 0)
function(expect what text)
  foreach(pattern IN LISTS ARGN)
    if(NOT "${text}" MATCHES "${pattern}")
      message(SEND_ERROR "${what}: nothing matches '${pattern}'")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()
  set(failures ${failures} PARENT_SCOPE)
endfunction()
function(expect_not what text)
  foreach(pattern IN LISTS ARGN)
    if("${text}" MATCHES "${pattern}")
      message(SEND_ERROR "${what}: '${CMAKE_MATCH_0}' should not be there")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()
  set(failures ${failures} PARENT_SCOPE)
endfunction()

# herald --help, parsed into the flags (without --help and --version) and the
# defaults it shows. A line is "  [-x,]--name [TYPE][=default] [(Env:NAME)]  text".
function(parse_help flags_out)
  run(help ${root}/usr/bin/herald --help)
  string(REPLACE ";" "," help "${help}")
  string(REPLACE "\n" ";" lines "${help}")
  set(flags "")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^  (-[A-Za-z],)?--([a-z0-9-]+)(.*)$")
      continue()
    endif()
    set(flag ${CMAKE_MATCH_2})
    if(flag STREQUAL "help" OR flag STREQUAL "version")
      continue()
    endif()
    # The option's spec ends where the description starts, at two spaces.
    string(REGEX REPLACE "   *[^ ].*$" "" spec "${CMAKE_MATCH_3}")
    # What CLI11 writes after the default: "(Env:NAME)", then "Needs:" and
    # "Excludes:" lists; before it, " ..." or " REQUIRED".
    string(REGEX REPLACE " (Needs|Excludes):.*$" "" spec "${spec}")
    if(spec MATCHES " \\(Env:([A-Z0-9_]+)\\)$")
      set(help_env_${flag} ${CMAKE_MATCH_1} PARENT_SCOPE)
      string(REGEX REPLACE " \\(Env:[A-Z0-9_]+\\)$" "" spec "${spec}")
    endif()
    string(REGEX REPLACE " (\\.\\.\\.|REQUIRED|x [0-9]+)$" "" spec "${spec}")
    if(spec MATCHES "=([^=]*)$")
      set(help_default_${flag} "${CMAKE_MATCH_1}" PARENT_SCOPE)
    endif()
    list(APPEND flags ${flag})
  endforeach()
  list(LENGTH flags n)
  if(n LESS 10)
    message(FATAL_ERROR "only ${n} flags read from herald --help: the pattern is broken\n${help}")
  endif()
  set(${flags_out} ${flags} PARENT_SCOPE)
endfunction()

# A systemd time span ("10s", "1min 30s", "500ms", "90") in milliseconds.
function(to_ms out span)
  set(total 0)
  string(REGEX MATCHALL "[0-9]+ *[a-z]*" parts "${span}")
  foreach(part IN LISTS parts)
    string(REGEX MATCH "^[0-9]+" n "${part}")
    string(REGEX REPLACE "^[0-9]+ *" "" unit "${part}")
    if(unit STREQUAL "ms" OR unit STREQUAL "msec")
      set(scale 1)
    elseif(unit STREQUAL "" OR unit MATCHES "^s(ec)?$")
      set(scale 1000)
    elseif(unit MATCHES "^m(in)?$")
      set(scale 60000)
    else()
      message(FATAL_ERROR "cannot read the time span '${span}'")
    endif()
    math(EXPR total "${total} + ${n} * ${scale}")
  endforeach()
  set(${out} ${total} PARENT_SCOPE)
endfunction()

# The documented check of a unit file, for machines without systemd-analyze,
# and run everywhere: the syntax systemd reads (sections, Key=Value lines,
# comments) and the settings herald relies on. Sets `${out}` to the problems.
function(check_unit out path)
  file(STRINGS ${path} lines ENCODING UTF-8)
  set(problems "")
  set(section "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*([#;].*)?$")
      continue()
    elseif(line MATCHES "^\\[([A-Za-z]+)\\]$")
      set(section ${CMAKE_MATCH_1})
      list(APPEND sections ${section})
    elseif(line MATCHES "^([A-Za-z][A-Za-z0-9]*)=(.*)$")
      if(NOT section)
        list(APPEND problems "'${line}' is outside any section")
      endif()
      # A repeated key (SystemCallFilter=) adds to the earlier value.
      list(APPEND "value_${section}_${CMAKE_MATCH_1}" "${CMAKE_MATCH_2}")
      set("seen_${section}_${CMAKE_MATCH_1}" YES)
    else()
      list(APPEND problems "cannot parse '${line}'")
    endif()
  endforeach()
  foreach(required Unit Service Install)
    if(NOT required IN_LIST sections)
      list(APPEND problems "no [${required}] section")
    endif()
  endforeach()
  # section key expected-value (a regular expression on the whole value)
  set(expected
    Unit Description ".+"
    Service ExecStart "/usr/bin/herald( .*)?"
    Service EnvironmentFile "-/etc/default/herald"
    Service Restart "on-failure"
    Service KillSignal "SIGTERM"
    Service LimitNOFILE "[0-9]+"
    Service TimeoutStopSec "[0-9].*"
    Service DynamicUser "yes"
    Service NoNewPrivileges "yes"
    Service ProtectSystem "strict"
    Service ProtectHome "yes"
    Service PrivateTmp "yes"
    Service PrivateDevices "yes"
    Service ProtectKernelTunables "yes"
    Service ProtectKernelModules "yes"
    Service ProtectKernelLogs "yes"
    Service ProtectControlGroups "yes"
    Service RestrictAddressFamilies "AF_INET AF_INET6 AF_UNIX"
    Service MemoryDenyWriteExecute "yes"
    Service SystemCallFilter "@system-service(,.*)?"
    Service CapabilityBoundingSet ""
    Install WantedBy "multi-user.target")
  while(expected)
    list(POP_FRONT expected section key pattern)
    if(NOT seen_${section}_${key})
      list(APPEND problems "[${section}] has no ${key}=")
      continue()
    endif()
    string(REPLACE ";" "," value "${value_${section}_${key}}")
    if(NOT value MATCHES "^${pattern}$")
      list(APPEND problems "${key}=${value} (expected ${pattern})")
    endif()
  endwhile()
  if(seen_Service_AmbientCapabilities AND NOT value_Service_AmbientCapabilities STREQUAL "")
    list(APPEND problems "AmbientCapabilities= is not empty: herald needs no capability")
  endif()
  # The fd limit has to leave herald room for streams after its reserve.
  if(seen_Service_LimitNOFILE AND value_Service_LimitNOFILE MATCHES "^[0-9]+$"
     AND value_Service_LimitNOFILE LESS 4096)
    list(APPEND problems "LimitNOFILE=${value_Service_LimitNOFILE} leaves room for too few streams")
  endif()
  # systemd must wait out herald's own grace period before it sends SIGKILL.
  if(seen_Service_TimeoutStopSec AND DEFINED SHUTDOWN_TIMEOUT_MS)
    to_ms(stop_ms "${value_Service_TimeoutStopSec}")
    if(NOT stop_ms GREATER SHUTDOWN_TIMEOUT_MS)
      list(APPEND problems
        "TimeoutStopSec=${value_Service_TimeoutStopSec} is not above --shutdown-timeout (${SHUTDOWN_TIMEOUT_MS} ms)")
    endif()
  endif()
  set(${out} "${problems}" PARENT_SCOPE)
endfunction()

if(CHECK STREQUAL "build")
  if(NOT EXISTS ${BINARY_DIR}/man/herald.1.gz)
    message(FATAL_ERROR "${BINARY_DIR}/man/herald.1.gz is missing: build the tree first, and if "
                        "help2man was not found at configure time, run scripts/install-deps and reconfigure")
  endif()
  file(REMOVE_RECURSE ${WORK_DIR})
  run(out ${CPACK} -G DEB --config ${BINARY_DIR}/CPackConfig.cmake -B ${WORK_DIR})
  find_deb(server herald)
  find_deb(dev herald-dev)
  run(out dpkg-deb -x ${server} ${root})
  run(out dpkg-deb -e ${server} ${control})
  message(STATUS "built ${server} and ${dev}")

elseif(CHECK STREQUAL "server")
  find_deb(deb herald)
  run(info dpkg-deb --info ${deb})
  run(contents dpkg-deb --contents ${deb})
  expect("dpkg-deb --info" "${info}"
    "\n Package: herald\n"
    "\n Maintainer: [^\n<]+ <[^\n@>]+@[^\n>]+>\n"
    "\n Description: [^\n]+\n  [^\n]+" # a synopsis and an extended description
    "\n Section: net\n"
    "\n Architecture: [a-z0-9]+\n"
    # dpkg-shlibdeps read the binaries: the C and C++ runtimes at least.
    "\n Depends: [^\n]*libc6 \\(>= [^\n]*libstdc\\+\\+6 \\(>= "
    " conffiles *\n" " postinst " " prerm " " postrm ")
  set(binaries herald)
  if(EXPECT_BENCH)
    list(APPEND binaries herald-bench)
  endif()
  foreach(binary ${binaries})
    expect("dpkg-deb --contents" "${contents}"
      "\n-rwxr-xr-x root/root +[0-9]+ [^\n]* \\./usr/bin/${binary}\n"
      " \\./usr/share/man/man1/${binary}\\.1\\.gz\n")
  endforeach()
  expect("dpkg-deb --contents" "${contents}"
    " \\./usr/share/doc/herald/changelog\\.Debian\\.gz\n"
    " \\./usr/lib/systemd/system/herald\\.service\n"
    # root's alone: it may hold token keys
    "\n-rw------- root/root +[0-9]+ [^\n]* \\./etc/default/herald\n")
  # The library is in herald-dev, and nothing is installed outside /usr and /etc.
  expect_not("dpkg-deb --contents" "${contents}" " \\./usr/include/" "\\.a\n" " \\./(opt|home|root|tmp)/")
  # Its changelog's entry is for this very version (dpkg-deb -f prints it).
  run(version dpkg-deb -f ${deb} Version)
  string(STRIP "${version}" version)
  run(changelog gzip -dc ${root}/usr/share/doc/herald/changelog.Debian.gz)
  string(REPLACE "." "\\." version_pattern "${version}")
  string(REPLACE "+" "\\+" version_pattern "${version_pattern}")
  expect("changelog.Debian" "${changelog}" "^herald \\(${version_pattern}\\) [a-z]+; urgency=[a-z]+\n"
    "\n -- [^\n]+ <[^\n]+>  [A-Z][a-z][a-z], [0-9]+ [A-Z][a-z][a-z] [0-9]+ [0-9:]+ [+-][0-9]+\n$")
  file(READ ${control}/conffiles conffiles)
  expect("conffiles" "${conffiles}" "^/etc/default/herald\n$")
  foreach(script postinst prerm postrm)
    run(out sh -n ${control}/${script})
  endforeach()

  # The packaged (stripped) binary runs, and its man page came from its --help:
  # every flag is in the page.
  run(version ${root}/usr/bin/herald --version)
  expect("herald --version" "${version}" "^herald [0-9]+\\.[0-9]+\\.[0-9]+")
  parse_help(flags)
  run(page gzip -dc ${root}/usr/share/man/man1/herald.1.gz)
  expect("herald.1" "${page}" "^[^\n]*help2man" "\n\\.TH HERALD \"1\"" "\n\\.SH OPTIONS\n"
    "/etc/default/herald")
  foreach(flag ${flags})
    string(REPLACE "-" "\\\\-" escaped "${flag}")
    expect("herald.1" "${page}" "\\\\-\\\\-${escaped}")
  endforeach()

elseif(CHECK STREQUAL "dev")
  find_deb(deb herald-dev)
  run(info dpkg-deb --info ${deb})
  run(contents dpkg-deb --contents ${deb})
  expect("dpkg-deb --info" "${info}"
    "\n Package: herald-dev\n"
    "\n Maintainer: [^\n<]+ <[^\n@>]+@[^\n>]+>\n"
    "\n Description: [^\n]+\n  [^\n]+"
    "\n Section: libdevel\n"
    "\n Depends: [^\n]*libasio-dev"
    # what the components' CMake targets find when a consumer asks for them
    "\n Depends: [^\n]*libre2-dev" "\n Depends: [^\n]*libidn2-dev" "\n Depends: [^\n]*libssl-dev"
    "\n Depends: [^\n]*nlohmann-json3-dev" "\n Depends: [^\n]*libhiredis-dev"
    "\n Depends: [^\n]*pkg-?conf")
  expect("dpkg-deb --contents" "${contents}"
    " \\./usr/include/herald/herald\\.hpp\n"
    " \\./usr/include/herald/sse/encoder\\.hpp\n"
    " \\./usr/lib/[^\n]*libherald\\.a\n"
    " \\./usr/lib/[^\n]*libherald_protocol\\.a\n"
    " \\./usr/lib/[^\n]*cmake/herald/heraldConfig\\.cmake\n"
    " \\./usr/lib/[^\n]*cmake/herald/heraldTargets\\.cmake\n"
    # the components, their headers and their targets
    " \\./usr/include/herald/match/matcher\\.hpp\n"
    " \\./usr/include/herald/auth/verifier\\.hpp\n"
    " \\./usr/include/herald/hub/subscription\\.hpp\n"
    " \\./usr/include/herald/redis/client\\.hpp\n"
    " \\./usr/lib/[^\n]*libherald_match\\.a\n"
    " \\./usr/lib/[^\n]*libherald_auth\\.a\n"
    " \\./usr/lib/[^\n]*libherald_hub\\.a\n"
    " \\./usr/lib/[^\n]*libherald_redis_protocol\\.a\n"
    " \\./usr/lib/[^\n]*libherald_redis\\.a\n"
    " \\./usr/lib/[^\n]*cmake/herald/herald_matchTargets\\.cmake\n"
    " \\./usr/lib/[^\n]*cmake/herald/herald_redisTargets\\.cmake\n"
    " \\./usr/share/doc/herald-dev/changelog\\.Debian\\.gz\n")
  expect_not("dpkg-deb --contents" "${contents}" " \\./usr/bin/" " \\./etc/" "systemd")

  # The packaged files work: tests/install's consumer builds against them,
  # unpacked, and runs.
  set(dev_root ${WORK_DIR}/dev-root)
  file(REMOVE_RECURSE ${dev_root} ${WORK_DIR}/consumer)
  run(out dpkg-deb -x ${deb} ${dev_root})
  set(flags "")
  if(SANITIZE)
    set(flags "-fsanitize=${SANITIZE}")
  endif()
  run(out ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${WORK_DIR}/consumer -G Ninja
    -DCMAKE_PREFIX_PATH=${dev_root}/usr -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_CXX_FLAGS=${flags})
  run(out ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
  run(out ${WORK_DIR}/consumer/consumer)
  expect("the consumer built on herald-dev" "${out}" "^id: 7\ndata: installed\n\n$")
  run(out ${WORK_DIR}/consumer/match_consumer)
  expect("the consumer of herald::match built on herald-dev" "${out}" "^match: yes no\n$")

elseif(CHECK STREQUAL "unit")
  set(unit ${root}/usr/lib/systemd/system/herald.service)
  parse_help(flags)
  if(NOT help_default_shutdown-timeout MATCHES "^([0-9]+)(ms|s|m)$")
    message(FATAL_ERROR "cannot read --shutdown-timeout's default from herald --help")
  endif()
  to_ms(SHUTDOWN_TIMEOUT_MS "${help_default_shutdown-timeout}")

  # The documented check, which can run anywhere. It must catch a broken unit
  # (here: one without KillSignal=, one with a line it cannot read) and pass
  # the packaged one.
  file(READ ${unit} text)
  string(REGEX REPLACE "\nKillSignal=[^\n]*" "" broken "${text}")
  file(WRITE ${WORK_DIR}/broken.service "${broken}\nnot a setting\n")
  check_unit(problems ${WORK_DIR}/broken.service)
  expect("the unit check on a broken unit" "${problems}" "no KillSignal=" "cannot parse 'not a setting'")
  check_unit(problems ${unit})
  foreach(problem IN LISTS problems)
    message(SEND_ERROR "herald.service: ${problem}")
    math(EXPR failures "${failures} + 1")
  endforeach()

  # systemd's own checks, when systemd-analyze is installed (Debian's systemd
  # package has it, and it runs without a running systemd). verify checks the
  # settings, ExecStart's binary and the Documentation= man page; it needs both
  # to exist, so it reads a copy of the unit that runs the unpacked binary, with
  # MANPATH on the unpacked man pages. It exits 0 on unknown keys, so any output
  # counts as a failure, and a unit with a misspelt key proves that it would.
  find_program(SYSTEMD_ANALYZE systemd-analyze)
  if(SYSTEMD_ANALYZE)
    string(REGEX REPLACE "\nExecStart=/usr/bin/herald" "\nExecStart=${root}/usr/bin/herald" copy "${text}")
    file(WRITE ${WORK_DIR}/verify/herald.service "${copy}")
    file(WRITE ${WORK_DIR}/verify-typo/herald.service "${copy}\n[Service]\nKilSignal=SIGTERM\n")
    foreach(dir verify verify-typo)
      execute_process(COMMAND ${CMAKE_COMMAND} -E env MANPATH=${root}/usr/share/man
                        ${SYSTEMD_ANALYZE} verify ${WORK_DIR}/${dir}/herald.service
                      RESULT_VARIABLE rc_${dir} OUTPUT_VARIABLE out_${dir} ERROR_VARIABLE out_${dir})
    endforeach()
    if(NOT rc_verify EQUAL 0 OR NOT out_verify STREQUAL "")
      message(SEND_ERROR "systemd-analyze verify herald.service (exit ${rc_verify}):\n${out_verify}")
      math(EXPR failures "${failures} + 1")
    endif()
    expect("systemd-analyze verify on a misspelt key" "${out_verify-typo}" "KilSignal")
    # The sandbox as systemd scores it (0 is best, 10 worst; 1.5 when written):
    # a setting dropped from the hardening list shows here.
    execute_process(COMMAND ${SYSTEMD_ANALYZE} security --offline=true --threshold=20
                      ${WORK_DIR}/verify/herald.service
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      message(SEND_ERROR "systemd-analyze security scores herald.service above 2.0:\n${out}")
      math(EXPR failures "${failures} + 1")
    endif()
  else()
    message(STATUS "systemd-analyze not found: only the documented check ran")
  endif()

elseif(CHECK STREQUAL "scripts")
  # The maintainer scripts, run as dpkg would into a scratch root (DPKG_ROOT,
  # which deb-systemd-helper and the scripts honour: nothing here touches the
  # machine's systemd). The operator's `systemctl enable` is a symlink.
  find_program(DEB_SYSTEMD_HELPER deb-systemd-helper)
  if(NOT DEB_SYSTEMD_HELPER)
    message(FATAL_ERROR "deb-systemd-helper (Debian's init-system-helpers) not found")
  endif()
  set(fake ${WORK_DIR}/dpkg-root)
  set(unit_dir ${fake}/usr/lib/systemd/system)
  set(wants etc/systemd/system/multi-user.target.wants/herald.service)
  set(mask etc/systemd/system/herald.service)
  file(REMOVE_RECURSE ${fake})
  file(MAKE_DIRECTORY ${fake}/etc/systemd/system ${fake}/var/lib/systemd)
  file(COPY ${root}/usr/lib/systemd/system/herald.service DESTINATION ${unit_dir})
  function(maintainer_script script)
    run(out ${CMAKE_COMMAND} -E env DPKG_ROOT=${fake} DPKG_MAINTSCRIPT_PACKAGE=herald
      DPKG_MAINTSCRIPT_NAME=${script} sh ${control}/${script} ${ARGN})
  endfunction()
  # Fails unless each path under the scratch root exists (or, after NOT, is absent).
  function(expect_paths when)
    set(want YES)
    foreach(path ${ARGN})
      if(path STREQUAL "NOT")
        set(want NO)
      elseif(want AND NOT IS_SYMLINK ${fake}/${path} AND NOT EXISTS ${fake}/${path})
        message(SEND_ERROR "${when}: ${path} is missing")
        math(EXPR failures "${failures} + 1")
      elseif(NOT want AND (IS_SYMLINK ${fake}/${path} OR EXISTS ${fake}/${path}))
        message(SEND_ERROR "${when}: ${path} should not be there")
        math(EXPR failures "${failures} + 1")
      endif()
    endforeach()
    set(failures ${failures} PARENT_SCOPE)
  endfunction()

  maintainer_script(postinst configure "")
  expect_paths("after an install" NOT ${wants} ${mask})
  file(MAKE_DIRECTORY ${fake}/etc/systemd/system/multi-user.target.wants)
  file(CREATE_LINK /usr/lib/systemd/system/herald.service ${fake}/${wants} SYMBOLIC)
  maintainer_script(postinst configure "0.1.0-1")
  expect_paths("after an upgrade of an enabled herald" ${wants} NOT ${mask})
  maintainer_script(prerm remove)
  maintainer_script(postrm remove)
  expect_paths("after a removal" ${mask})
  maintainer_script(postinst configure "")
  expect_paths("after a reinstall" ${wants} NOT ${mask})
  maintainer_script(prerm remove)
  maintainer_script(postrm remove)
  file(REMOVE ${unit_dir}/herald.service)
  maintainer_script(postrm purge)
  expect_paths("after a purge" NOT ${wants} ${mask} var/lib/systemd/deb-systemd-helper-enabled/herald.service.dsh-also)

elseif(CHECK STREQUAL "environment")
  # /etc/default/herald names every flag once, by the rule HERALD_<FLAG> the
  # unit's users rely on, and shows the default that --help shows.
  parse_help(flags)
  file(STRINGS ${root}/etc/default/herald lines ENCODING UTF-8)
  set(named "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^#?(HERALD_[A-Z0-9_]*)=(.*)$")
      set(variable ${CMAKE_MATCH_1})
      set(value "${CMAKE_MATCH_2}")
      if(variable IN_LIST named)
        message(SEND_ERROR "${variable} is named twice")
        math(EXPR failures "${failures} + 1")
      endif()
      list(APPEND named ${variable})
      string(REGEX REPLACE "^HERALD_" "" flag "${variable}")
      string(TOLOWER "${flag}" flag)
      string(REPLACE "_" "-" flag "${flag}")
      if(NOT flag IN_LIST flags)
        message(SEND_ERROR "${variable}: herald has no --${flag}")
        math(EXPR failures "${failures} + 1")
      elseif(DEFINED help_default_${flag} AND NOT value STREQUAL help_default_${flag})
        message(SEND_ERROR "${variable}=${value}, but --${flag} defaults to ${help_default_${flag}}")
        math(EXPR failures "${failures} + 1")
      endif()
    elseif(line MATCHES "^[^#]" AND NOT line MATCHES "^[ \t]*$")
      message(SEND_ERROR "a setting that is not commented out: '${line}'")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()
  foreach(flag ${flags})
    string(TOUPPER "HERALD_${flag}" variable)
    string(REPLACE "-" "_" variable "${variable}")
    if(NOT variable IN_LIST named)
      message(SEND_ERROR "/etc/default/herald has no ${variable} (for --${flag})")
      math(EXPR failures "${failures} + 1")
    endif()
    # Once herald reads its environment, --help names each variable.
    if(DEFINED help_env_${flag} AND NOT help_env_${flag} STREQUAL variable)
      message(SEND_ERROR "--${flag} reads ${help_env_${flag}}, not ${variable}")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()

else()
  message(FATAL_ERROR "CHECK must be build, server, dev, unit, scripts or environment")
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} problems")
endif()
