using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Verification;

/// <summary>Verifies a signed document with what the registry trusts and knows: its CA and the configured other CAs, the seal makers it accepts (互认), its certificate revocation list and its revoked seals.</summary>
/// <remarks>The document report only; matching the file against registered licenses and their status is the 核验 service's job.</remarks>
public sealed class DocumentVerifier
{
    private readonly RegistryKeys keys;
    private readonly SealRegistry seals;
    private readonly TimeProvider clock;

    internal DocumentVerifier(RegistryKeys keys, SealRegistry seals, TimeProvider clock)
    {
        this.keys = keys;
        this.seals = seals;
        this.clock = clock;
    }

    /// <summary>Verifies an OFD file; malformed input gives a TOTAL-FAILED report, never an exception.</summary>
    public async Task<DocumentReport> VerifyOfdAsync(ReadOnlyMemory<byte> ofd, CancellationToken cancellationToken = default) =>
        OfdVerifier.Verify(ofd, new OfdVerificationOptions
        {
            Signers = keys.SignerValidator(),
            SealMakers = keys.SealMakerValidator(),
            SealRevocations = await seals.RevocationsAsync(cancellationToken),
            Clock = clock,
        });
}
