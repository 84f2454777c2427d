# SPDX-License-Identifier: BSD-3-Clause
# Named variable lists and resynchronisation after a malformed unit (issue
# 12): the generator's 'datasets' and 'resync' scenarios through replay and
# through the dataplane on net_pcap ports (tests/scripts/varlist_check.py).
find_program(MG_PYTHON3 python3)
if(MG_PYTHON3 AND TARGET mmsgatectl AND TARGET mmsgate-gen)
  add_test(NAME replay_varlist
    COMMAND ${MG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/scripts/varlist_check.py replay
      $<TARGET_FILE:mmsgatectl> $<TARGET_FILE:mmsgate-gen>
      ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_varlist.policy ${CMAKE_CURRENT_BINARY_DIR}/replay_varlist)
  set_tests_properties(replay_varlist PROPERTIES LABELS "replay;integration")
endif()
if(MG_PYTHON3 AND TARGET mmsgate AND TARGET mmsgate-gen)
  add_test(NAME dp_varlist
    COMMAND ${MG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/scripts/varlist_check.py dp
      $<TARGET_FILE:mmsgate> $<TARGET_FILE:mmsgate-gen>
      ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_varlist.policy ${CMAKE_CURRENT_BINARY_DIR}/dp_varlist
      ${CMAKE_SOURCE_DIR})
  set_tests_properties(dp_varlist PROPERTIES LABELS "dataplane;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 180 RUN_SERIAL TRUE)
endif()
