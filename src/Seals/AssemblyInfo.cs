// Seals holds PKI, e-seal (GB/T 38540) and document-signature code. It must never reference Licenses.Core:
// the dependency runs one way, Core → Seals, so the cryptography can be reviewed and reused on its own.
[assembly: System.CLSCompliant(false)]
