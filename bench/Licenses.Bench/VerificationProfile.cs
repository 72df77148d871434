using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;

namespace ElectronicLicense.Bench;

/// <summary>The parts of <see cref="OfdVerifier.Verify"/> timed on their own, per file, one thread: where verification time goes.</summary>
internal static class VerificationProfile
{
    public static void Run(IReadOnlyList<byte[]> files, OfdVerificationOptions options, TextWriter output)
    {
        var whole = Time(files, f => OfdVerifier.Verify(f, options));
        var packages = files.Select(f => OfdPackage.TryOpen(f, OfdReadLimits.Default, out var p, out _) ? p : throw new InvalidOperationException()).ToList();
        var signatures = packages.Select(p => p.Names.Where(n => n.EndsWith("/SignedValue.dat", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => SesSignature.TryDecode(p.GetEntry(n), out var s, out _) ? s : throw new InvalidOperationException()).ToList()).ToList();
        var perFile = signatures.Average(s => s.Count);
        var parts = new List<(string Part, double Milliseconds)>
        {
            ("SHA-256 + SM3 of the file (report digests)", Time(files, f => { _ = System.Security.Cryptography.SHA256.HashData(f); _ = Sm3.Hash(f); })),
            ("open the package (OfdPackage.TryOpen: unzip, limits)", Time(files, f => OfdPackage.TryOpen(f, OfdReadLimits.Default, out _, out _))),
            ("SM3 of every file once (References, dataHash)", Time(packages, p =>
            {
                foreach (var entry in p.Entries.Values)
                {
                    Sm3.Hash(entry.Span);
                }
            })),
            ("decode the SES_Signatures (with seal, certificates)", Time(packages, p =>
            {
                foreach (var name in p.Names.Where(n => n.EndsWith("/SignedValue.dat", StringComparison.Ordinal)))
                {
                    SesSignature.TryDecode(p.GetEntry(name), out _, out _);
                }
            })),
            ("SM2 verify of each signature (SesSignature.VerifySignature)", Time(signatures, s => s.ForEach(x => x.VerifySignature()))),
            ("SM2 verify of each seal's maker signature (VerifyMakerSignature)", Time(signatures, s => s.ForEach(x => x.Seal.VerifyMakerSignature()))),
            ("signer certificate path + CRL (CertificateValidator.Validate)", Time(signatures, s => s.ForEach(x => options.Signers!.Validate(x.SignerCertificate, x.TimeInfo!.Value)))),
            ("seal maker certificate path + CRL (CertificateValidator.Validate)", Time(signatures, s => s.ForEach(x => options.SealMakers!.Validate(x.Seal.MakerCertificate, x.TimeInfo!.Value)))),
        };

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    where the time goes, 1 thread, {files.Count} files ({perFile:0} signatures each), OfdVerifier.Verify {whole:0.00} ms per file; its parts timed alone:"));
        foreach (var (part, milliseconds) in parts)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {part,-70} {milliseconds,7:0.00} ms/file {milliseconds / whole,5:P0}"));
        }
    }

    private static double Time<T>(IReadOnlyList<T> items, Action<T> action)
    {
        action(items[0]);
        var start = Stopwatch.GetTimestamp();
        foreach (var item in items)
        {
            action(item);
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / items.Count;
    }
}
