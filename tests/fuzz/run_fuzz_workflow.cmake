# Runs the fuzz workflow in its own build tree: configure with the `fuzz`
# preset (clang++, HERALD_BUILD_FUZZERS=ON), build the fuzzers and their seed
# corpus, then run the tests labelled "fuzz". Any failing step fails the test.
#
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DCTEST=... -DFUZZ_SECONDS=... -P run_fuzz_workflow.cmake
foreach(var SOURCE_DIR BINARY_DIR CTEST FUZZ_SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzz_workflow.cmake: ${var} is not set")
  endif()
endforeach()

function(step)
  message(STATUS "fuzz workflow: ${ARGN}")
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "fuzz workflow: step failed (${result}): ${ARGN}")
  endif()
endfunction()

# The preset supplies the compiler and options; -B keeps this tree apart from
# build/fuzz, so it never disturbs (or is disturbed by) a manual fuzz build.
step(${CMAKE_COMMAND} --preset fuzz -B ${BINARY_DIR} -DHERALD_FUZZ_SECONDS=${FUZZ_SECONDS})
step(${CMAKE_COMMAND} --build ${BINARY_DIR} --target herald_fuzzers)
step(${CTEST} --test-dir ${BINARY_DIR} -L "^fuzz$" --no-tests=error --output-on-failure)
