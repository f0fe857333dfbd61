# Short declarative helpers so that every folder's CMakeLists.txt is a list of
# targets and their dependencies, nothing more.
include_guard(GLOBAL)

# drdaplex_library(NAME <name> SRCS <files...> DEPS <targets...>)
# Builds a static library drdaplex_<name> with the alias drdaplex::<name>.
# The project root is the include root, so headers are included by path
# ("drda/dss.h").
function(drdaplex_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(drdaplex_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(drdaplex::${ARG_NAME} ALIAS drdaplex_${ARG_NAME})
  target_include_directories(drdaplex_${ARG_NAME} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
  target_link_libraries(drdaplex_${ARG_NAME} PUBLIC ${ARG_DEPS})
  set_target_properties(drdaplex_${ARG_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# drdaplex_executable(NAME <name> SRCS <files...> DEPS <targets...>)
function(drdaplex_executable)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()

# drdaplex_test(NAME <name> SRCS <files...> DEPS <targets...> [LABELS <labels...>] [SERIAL])
# One GoogleTest executable per folder; each TEST becomes its own ctest entry.
# SERIAL: its tests run alone (RUN_SERIAL), for tests that judge timing under
# load they make themselves and must not share the two cores with others.
function(drdaplex_test)
  cmake_parse_arguments(ARG "SERIAL" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE
    DRDAPLEX_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    DRDAPLEX_BINARY_DIR="${PROJECT_BINARY_DIR}"
    DRDAPLEX_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  include(GoogleTest)
  set(serial FALSE)
  if(ARG_SERIAL)
    set(serial TRUE)
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT 300 RUN_SERIAL ${serial})
  # Labels are set by a script of our own that ctest reads after the
  # discovered tests: passed through gtest_discover_tests, a list of labels
  # loses all but its first (its arguments are re-split on ';' on the way).
  # The discovery script leaves the test names in <target>_TESTS.
  if(ARG_LABELS)
    set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_labels.cmake)
    file(WRITE ${labels_file}
      "if(${ARG_NAME}_TESTS)\n"
      "  set_tests_properties(\${${ARG_NAME}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
      "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
  endif()
endfunction()

# drdaplex_bench(NAME <name> SRCS <files...> DEPS <targets...>)
function(drdaplex_bench)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()
