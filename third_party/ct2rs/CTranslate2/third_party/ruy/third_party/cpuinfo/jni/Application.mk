APP_PLATFORM := android-16
APP_PIE := true
APP_STL := c++_static
APP_ABI := armeabi-v7a arm64-v8a x86 x86_64
