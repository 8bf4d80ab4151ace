/* typedparams.c: calls virDomainSetBlockIoTune on domain "test" with one typed
 * parameter of each of the seven types, so the CALL frame carries all of them.
 * The test driver rejects the parameter names, which yields an error reply.
 * Build: gcc -o typedparams typedparams.c $(pkg-config --cflags --libs libvirt)
 * Run:   ./typedparams "test+unix:///default?socket=/path/to/relay.sock"
 */
#include <stdio.h>
#include <stdlib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
int main(int argc, char **argv) {
    virConnectPtr c = virConnectOpen(argv[1]);
    if (!c) return 1;
    virDomainPtr d = virDomainLookupByName(c, "test");
    if (!d) return 2;
    virTypedParameterPtr p = NULL; int n = 0, max = 0;
    virTypedParamsAddInt(&p, &n, &max, "t_int", -42);
    virTypedParamsAddUInt(&p, &n, &max, "t_uint", 3000000000U);
    virTypedParamsAddLLong(&p, &n, &max, "t_llong", -1234567890123LL);
    virTypedParamsAddULLong(&p, &n, &max, "t_ullong", 0x0123456789abcdefULL);
    virTypedParamsAddDouble(&p, &n, &max, "t_double", 1.5);
    virTypedParamsAddBoolean(&p, &n, &max, "t_boolean", 1);
    virTypedParamsAddString(&p, &n, &max, "t_string", "hello");
    int r = virDomainSetBlockIoTune(d, "vda", p, n, 0);
    printf("virDomainSetBlockIoTune -> %d\n", r);
    if (r < 0) { virErrorPtr e = virGetLastError(); printf("error code %d domain %d: %s\n", e->code, e->domain, e->message); }
    virTypedParamsFree(p, n);
    virDomainFree(d);
    virConnectClose(c);
    return 0;
}
