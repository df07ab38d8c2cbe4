include("${CMAKE_CURRENT_LIST_DIR}/ctranslate2Targets.cmake")
