# SPDX-License-Identifier: BSD-3-Clause
# The house's layering (docs/design.md, "Layout"): no include and no symbol
# crosses the folders' dependency arrows the wrong way, no circle between
# folders, and (--strict-files) no circle between the files of one folder,
# no header whose inline code calls a function of a file including it.
# Symbols are read from this build's objects, so the test runs
# after the build; it fails naming the file and the include or symbol.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  add_test(NAME layering
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/check-layers.py
      --root ${CMAKE_SOURCE_DIR} --build ${CMAKE_BINARY_DIR} --strict-files)
  set_tests_properties(layering PROPERTIES LABELS "unit;layering" TIMEOUT 120)
endif()
