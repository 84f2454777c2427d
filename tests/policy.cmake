# SPDX-License-Identifier: BSD-3-Clause
# Policy golden tests: every tests/policy/NAME.policy is run through
# `mmsgatectl policy show` (and `show --json` when NAME.json exists); stdout
# must equal NAME.out (if present), stderr NAME.err (or be empty), the exit
# status 1 iff NAME.err has an error. Compile times are masked. The examples
# must check clean (no errors, no warnings).
if(TARGET mmsgatectl)
  file(GLOB MG_POLICY_GOLDEN CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/policy/*.policy)
  foreach(f ${MG_POLICY_GOLDEN})
    get_filename_component(name ${f} NAME_WE)
    add_test(NAME policy_golden_${name}
      COMMAND ${CMAKE_COMMAND} -DCTL=$<TARGET_FILE:mmsgatectl>
        -DDIR=${CMAKE_CURRENT_SOURCE_DIR}/policy -DCASE=${name}
        -P ${CMAKE_CURRENT_SOURCE_DIR}/policy/golden.cmake)
    set_tests_properties(policy_golden_${name} PROPERTIES LABELS "policy;golden")
  endforeach()
  file(GLOB MG_POLICY_EXAMPLES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/examples/*.policy)
  foreach(f ${MG_POLICY_EXAMPLES})
    get_filename_component(name ${f} NAME_WE)
    add_test(NAME policy_example_${name}
      COMMAND ${CMAKE_COMMAND} -DCTL=$<TARGET_FILE:mmsgatectl>
        -DDIR=${CMAKE_SOURCE_DIR}/examples -DCASE=${name} -DEXAMPLE=1
        -P ${CMAKE_CURRENT_SOURCE_DIR}/policy/golden.cmake)
    set_tests_properties(policy_example_${name} PROPERTIES LABELS "policy;golden")
  endforeach()
endif()
# Verdicts on generated captures through `mmsgatectl replay --policy`.
find_program(MG_POLICY_PYTHON3 python3)
if(MG_POLICY_PYTHON3 AND TARGET mmsgatectl AND TARGET mmsgate-gen)
  add_test(NAME policy_replay_seed
    COMMAND ${MG_POLICY_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/policy/replay_check.py
      $<TARGET_FILE:mmsgatectl> $<TARGET_FILE:mmsgate-gen>
      ${CMAKE_SOURCE_DIR}/examples/seed.policy ${CMAKE_BINARY_DIR})
  set_tests_properties(policy_replay_seed PROPERTIES LABELS "policy;integration")
endif()
