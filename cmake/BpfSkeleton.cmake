# bpf_skeleton(<name> <source.bpf.c> [DEPENDS headers...])
#
# Compiles a CO-RE BPF object with clang and generates "<name>.skel.h" in the
# build tree with bpftool. The skeleton is written to a temporary file and then
# renamed: a failed or interrupted bpftool run must never leave a truncated
# header that a later incremental build would treat as up to date.
#
# vmlinux.h is generated once per build tree from the build host's BTF. CO-RE
# relocations make the object independent of that kernel: the programs only
# touch fields through preserve_access_index types and check optional ones with
# bpf_core_field_exists, so an object built on 6.18 loads on 6.1 (tested in the
# kernel-matrix VM).
find_program(CLANG_EXE NAMES clang-14 clang REQUIRED)
find_program(BPFTOOL_EXE NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)
set(RETX_VMLINUX_BTF "/sys/kernel/btf/vmlinux" CACHE FILEPATH "BTF used to generate vmlinux.h")

set(_bpf_gen_dir ${CMAKE_BINARY_DIR}/bpf-gen)
file(MAKE_DIRECTORY ${_bpf_gen_dir})

# Generated at configure time: it depends only on the build host's kernel, and
# a configure-time file can be used by skeletons in any directory.
if(NOT EXISTS ${_bpf_gen_dir}/vmlinux.h)
  if(NOT EXISTS ${RETX_VMLINUX_BTF})
    message(FATAL_ERROR "${RETX_VMLINUX_BTF} not found: the build needs a kernel with BTF "
                        "(CONFIG_DEBUG_INFO_BTF) or -DRETX_VMLINUX_BTF=<file>")
  endif()
  execute_process(
    COMMAND ${BPFTOOL_EXE} btf dump file ${RETX_VMLINUX_BTF} format c
    OUTPUT_FILE ${_bpf_gen_dir}/vmlinux.h.tmp
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "bpftool btf dump failed (${_rc})")
  endif()
  file(RENAME ${_bpf_gen_dir}/vmlinux.h.tmp ${_bpf_gen_dir}/vmlinux.h)
endif()

function(bpf_skeleton name src)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  set(obj ${_bpf_gen_dir}/${name}.bpf.o)
  set(skel ${_bpf_gen_dir}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CLANG_EXE} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall
            -I${_bpf_gen_dir} -I${CMAKE_SOURCE_DIR}/bpf
            -c ${src} -o ${obj}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${obj}.tmp ${obj}
    DEPENDS ${src} ${ARG_DEPENDS} ${_bpf_gen_dir}/vmlinux.h
    COMMENT "BPF ${name}: compiling ${src}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND sh -c "${BPFTOOL_EXE} gen skeleton ${obj} name ${name} > ${skel}.tmp"
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "BPF ${name}: generating skeleton"
    VERBATIM)
  add_custom_target(${name}_skel DEPENDS ${skel})
  add_library(${name}_skel_iface INTERFACE)
  add_dependencies(${name}_skel_iface ${name}_skel)
  target_include_directories(${name}_skel_iface INTERFACE ${_bpf_gen_dir} ${CMAKE_SOURCE_DIR}/bpf)
endfunction()
