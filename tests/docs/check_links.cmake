# Checks the documentation's links: every relative link resolves to a file, and
# a link whose text is code naming a function or type (`server::accept_loop`,
# `send_events`) points at a file that contains that name, as a whole word. Links name files and
# functions, not lines, so they survive edits; this keeps them from rotting.
#
# cmake -DSOURCE_DIR=<repo> -P check_links.cmake
file(GLOB docs "${SOURCE_DIR}/docs/*.md" "${SOURCE_DIR}/examples/*.md")
list(APPEND docs "${SOURCE_DIR}/README.md" "${SOURCE_DIR}/bench/README.md")
set(checked 0)
set(failures 0)
foreach(doc IN LISTS docs)
  file(READ "${doc}" text)
  string(REPLACE ";" "," text "${text}") # CMake lists split on ';'
  get_filename_component(dir "${doc}" DIRECTORY)
  string(REGEX MATCHALL "\\[[^]\n]*\\]\\([^) \n]+\\)" links "${text}")
  foreach(link IN LISTS links)
    string(REGEX REPLACE "^\\[([^]]*)\\]\\(([^)]*)\\)$" "\\1" label "${link}")
    string(REGEX REPLACE "^\\[([^]]*)\\]\\(([^)]*)\\)$" "\\2" target "${link}")
    if(target MATCHES "^(https?:|mailto:|#)")
      continue()
    endif()
    string(REGEX REPLACE "#.*$" "" path "${target}")
    math(EXPR checked "${checked} + 1")
    if(NOT EXISTS "${dir}/${path}")
      message(SEND_ERROR "${doc}: link to a missing file: ${target}")
      math(EXPR failures "${failures} + 1")
      continue()
    endif()
    string(REPLACE "`" "" name "${label}")
    if(label MATCHES "^`" AND name MATCHES "^[A-Za-z_][A-Za-z0-9_:]*$"
       AND NOT IS_DIRECTORY "${dir}/${path}")
      # The name must stand as a whole word: `hub_node::publish` is not found
      # in `hub_node::publish_subscription`. A qualified name must appear
      # qualified in a source file (its definition); a header may declare the
      # member inside its class, so there the last part is enough.
      string(REGEX REPLACE "^.*::" "" last "${name}")
      set(wanted "${last}")
      if(name MATCHES "::" AND NOT path MATCHES "\\.(hpp|h)$")
        set(wanted "${name}")
      endif()
      file(READ "${dir}/${path}" source)
      string(REGEX MATCH "(^|[^A-Za-z0-9_])${wanted}([^A-Za-z0-9_]|$)" found "${source}")
      if(NOT found)
        message(SEND_ERROR "${doc}: ${path} does not contain '${wanted}' (from [${label}])")
        math(EXPR failures "${failures} + 1")
      endif()
    endif()
  endforeach()
endforeach()
if(checked LESS 20)
  message(FATAL_ERROR "only ${checked} links found: the link pattern is broken")
endif()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} broken documentation links")
endif()
message(STATUS "${checked} documentation links resolve")
