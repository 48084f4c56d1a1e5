/*
 * bcryptprimitives.dll for Wine releases that lack it (Debian 12 ships Wine
 * 8.0). Go programs need its ProcessPrng from Go 1.22 on; Windows 10 and
 * later have it. TestDistWindowsExeStartsUnderWine builds this with
 * x86_64-w64-mingw32-gcc into its throw-away WINEPREFIX's system32 only when
 * Wine has no such DLL of its own; the exe that ships is unchanged.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
