/* btc_sdt.h: SystemTap SDT notes written with inline assembly, for the test programs that
 * carry USDT probes (the test hosts have no sys/sdt.h). BTC_NOTE(provider, name, semaphore,
 * argument specs, asm operands...) emits a `nop` probe site and a .note.stapsdt note holding
 * its address, the .stapsdt.base address, the semaphore address ("0": none) and the three
 * strings; the compiler fills in the operands of the specs (%eax, -20(%rbp), $42, ...). */
#ifndef BTC_SDT_H
#define BTC_SDT_H

#define BTC_STR_(x) #x
#define BTC_STR(x) BTC_STR_(x)

/* One note: type 3 ("stapsdt"), desc = pc, base, semaphore (8 bytes each), then three
 * NUL-terminated strings. The base section is emitted once per object (comdat). */
#define BTC_NOTE(provider, name, sema, argstr, ...)                                                \
  __asm__ __volatile__("990: nop\n"                                                                \
                       ".pushsection .note.stapsdt,\"\",\"note\"\n"                                \
                       ".balign 4\n"                                                               \
                       ".4byte 992f-991f, 994f-993f, 3\n"                                          \
                       "991: .asciz \"stapsdt\"\n"                                                 \
                       "992: .balign 4\n"                                                          \
                       "993: .8byte 990b\n"                                                        \
                       ".8byte _.stapsdt.base\n"                                                   \
                       ".8byte " sema "\n"                                                         \
                       ".asciz \"" provider "\"\n"                                                 \
                       ".asciz \"" name "\"\n"                                                     \
                       ".asciz \"" argstr "\"\n"                                                   \
                       "994: .balign 4\n"                                                          \
                       ".popsection\n"                                                             \
                       ".ifndef _.stapsdt.base\n"                                                  \
                       ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"     \
                       ".weak _.stapsdt.base\n"                                                    \
                       ".hidden _.stapsdt.base\n"                                                  \
                       "_.stapsdt.base: .space 1\n"                                                \
                       ".size _.stapsdt.base, 1\n"                                                 \
                       ".popsection\n"                                                             \
                       ".endif\n" ::__VA_ARGS__)

#endif
