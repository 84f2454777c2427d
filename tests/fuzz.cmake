# SPDX-License-Identifier: BSD-3-Clause
# libFuzzer targets live in tests/fuzz and are only configured for a fuzz
# build (CC=clang, -DMG_FUZZ=ON); scripts/fuzz.sh drives them.
if(MG_FUZZ)
  add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/fuzz ${CMAKE_BINARY_DIR}/fuzz)
endif()
