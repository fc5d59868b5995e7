# Compiler settings shared by every Parley target.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(parley_warnings INTERFACE)
target_compile_options(parley_warnings INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)

if(PARLEY_SANITIZE)
  string(REPLACE "," ";" _san_list "${PARLEY_SANITIZE}")
  list(JOIN _san_list "," _san)
  add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  # GCC 12 reports false -Wmaybe-uninitialized inside libstdc++ (std::regex, std::function) once
  # sanitizers instrument the code; every other warning stays an error.
  add_compile_options(-Wno-maybe-uninitialized)
  add_link_options(-fsanitize=${_san})
endif()

# parley_module(NAME SOURCES... DEPS ...): one static library per src/ folder. Linking only the
# modules the layering rule allows (docs/architecture.md) makes a wrong dependency fail to link;
# tests/layering_check.sh rejects the wrong #include before that.
function(parley_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(parley_${name} STATIC ${M_SOURCES})
  target_include_directories(parley_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(parley_${name} PUBLIC ${M_DEPS} PRIVATE parley_warnings ${M_PRIVATE_DEPS})
endfunction()

# parley_unit_test(NAME SOURCES... DEPS ...): a GoogleTest binary registered with CTest.
function(parley_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main parley_warnings)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
