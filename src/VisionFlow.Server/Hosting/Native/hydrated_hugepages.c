// Linked into the published binary (see VisionFlow.Server.csproj, target HydratedHugePages); not part of the JIT build.
//
// Before main, the Native AOT runtime expands the image's dehydrated data into the .hydrated section (~7 MB of the
// writable segment's zero-filled tail, NOBITS: anonymous memory). Written 4 KiB page by page, that is ~1,800 page
// faults, and on a virtual machine a fault is expensive: they were ~40 % of the main thread's time to the first
// answer (bench/README "Start-up of the published binary"). Asking for transparent huge pages there (the kernel's
// default THP mode is "madvise") turns every aligned 2 MiB of it into one fault. This runs as an ELF constructor,
// before the runtime's start-up code, and only advises: where THP is off or a huge page cannot be had the kernel
// falls back to small pages, and nothing else changes.
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif

// The PMD size with 4 KiB pages (x86-64, and arm64's usual kernels); with larger base pages the range rounds to nothing.
#define VISIONFLOW_HUGE_PAGE ((uintptr_t)2 << 20)

static int visionflow_advise(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) == 0 || ph->p_memsz <= ph->p_filesz)
        {
            continue;
        }

        // Only the whole huge pages inside the zero-filled part: its first page may still be the file's.
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz + VISIONFLOW_HUGE_PAGE - 1) & ~(VISIONFLOW_HUGE_PAGE - 1);
        uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(VISIONFLOW_HUGE_PAGE - 1);
        if (end > start)
        {
            madvise((void *)start, end - start, MADV_HUGEPAGE);
        }
    }

    // The first object listed is the executable itself; the shared libraries are not ours to advise.
    return 1;
}

__attribute__((constructor)) static void visionflow_hydrated_hugepages(void)
{
    dl_iterate_phdr(visionflow_advise, NULL);
}
