using System.Diagnostics;
using System.Formats.Asn1;
using System.Globalization;
using System.Text.Json;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.Storage;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>
/// Where one license's issuance time goes: the steps of <see cref="LicenseDocumentIssuer.IssueOfdAsync"/> repeated with a
/// Stopwatch around each (one thread, so the sections add up to the wall time), then the parts inside <see cref="OfdSigner.Sign(OfdPackage, OfdSealRequest)"/>
/// timed on their own.
/// </summary>
internal sealed class IssuanceProfile
{
    private readonly List<(string Step, long Ticks, int Calls)> steps = [];
    private readonly List<(string Part, long Ticks, int Calls)> insideSign = [];
    private int licenses;
    private long totalTicks;

    public static async Task<IssuanceProfile> RunAsync(
        IServiceProvider services,
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> directory,
        IReadOnlyList<(LicenseId Id, string DataJson, string Sha256)> work,
        DateTimeOffset at)
    {
        var renderer = services.GetRequiredService<LicenseOfdRenderer>();
        var seals = services.GetRequiredService<SealRegistry>();
        var keys = services.GetRequiredService<RegistryKeys>();
        var objects = services.GetRequiredService<IObjectStore>();
        var profile = new IssuanceProfile { licenses = work.Count };
        long lookup = 0, keyLoad = 0, render = 0, sign = 0, reopen = 0, sm3 = 0, store = 0;
        int signs = 0, reopens = 0;
        var rendered = new List<RenderedLicense>();
        var sealsInOrder = new List<SesSeal>();
        var signers = new List<SigningKey>();
        byte[] lastFile = [];

        var total = Stopwatch.GetTimestamp();
        foreach (var (id, dataJson, _) in work)
        {
            var start = Stopwatch.GetTimestamp();
            var plan = SignerPlan.For(type, issuer, directory);
            sealsInOrder.Clear();
            foreach (var signature in plan)
            {
                sealsInOrder.Add(await seals.ActiveSealAsync(signature.Department, signature.SealKind, makeDemoSeal: true, CancellationToken.None));
            }

            lookup += Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            signers.Clear();
            signers.AddRange(plan.Select(p => keys.ForDepartment(p.Department)));
            keyLoad += Stopwatch.GetTimestamp() - start;

            start = Stopwatch.GetTimestamp();
            using var data = JsonDocument.Parse(dataJson);
            var page = renderer.Render(new LicenseRenderRequest
            {
                Type = type,
                LicenseId = id,
                Data = data.RootElement,
                IssuedAt = at,
                VerificationPayload = LicenseDocumentIssuer.VerificationPayload(id),
            });
            render += Stopwatch.GetTimestamp() - start;
            if (rendered.Count < 50)
            {
                rendered.Add(page);
            }

            var package = page.Package;
            byte[] bytes = [];
            for (var i = 0; i < plan.Count; i++)
            {
                var slot = page.SealSlots[i];
                var stamp = new StampPlacement(slot.PageId.ToString(CultureInfo.InvariantCulture), slot.Boundary.X, slot.Boundary.Y, slot.Boundary.Width, slot.Boundary.Height);
                start = Stopwatch.GetTimestamp();
                bytes = OfdSigner.Sign(package, new OfdSealRequest(signers[i], sealsInOrder[i], [stamp], at, ProtectWholeDocument: i == plan.Count - 1));
                sign += Stopwatch.GetTimestamp() - start;
                signs++;
                if (i < plan.Count - 1)
                {
                    start = Stopwatch.GetTimestamp();
                    if (!OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out package, out var error))
                    {
                        throw new InvalidOperationException(error);
                    }

                    reopen += Stopwatch.GetTimestamp() - start;
                    reopens++;
                }
            }

            start = Stopwatch.GetTimestamp();
            _ = Sm3.Hash(bytes);
            sm3 += Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            await objects.PutAsync(bytes);
            store += Stopwatch.GetTimestamp() - start;
            lastFile = bytes;
        }

        profile.totalTicks = Stopwatch.GetTimestamp() - total;
        profile.steps.Add(("seal look-up (3 × SealRegistry.ActiveSealAsync, a DB query each)", lookup, 3 * work.Count));
        profile.steps.Add(("department keys (3 × RegistryKeys.ForDepartment: read + decrypt PKCS#12)", keyLoad, 3 * work.Count));
        profile.steps.Add(("render (JSON parse + LicenseOfdRenderer.Render: layout, font subset, QR)", render, work.Count));
        profile.steps.Add(("sign (3 × OfdSigner.Sign)", sign, signs));
        profile.steps.Add(("reopen between signatures (2 × OfdPackage.TryOpen)", reopen, reopens));
        profile.steps.Add(("SM3 of the file (the record's digest)", sm3, work.Count));
        profile.steps.Add(("store (BlobObjectStore over LocalFolderBlobStore: write, fsync, read back, rename)", store, work.Count));

        // Inside OfdSigner.Sign: the same operations on their own, per call of Sign.
        var key = keys.ForDepartment(issuer);
        var seal = sealsInOrder[0];
        var tbs = FirstTbsSign(lastFile);
        var hash = Sm3.Hash(tbs);
        profile.insideSign.Add(("SM2 sign of TBS_Sign (SigningKey.Sign)", Time(200, () => key.Sign(tbs)), 200));
        profile.insideSign.Add(("SesSignature.Create (SM2 sign + DER + decode check)", Time(200, () => SesSignature.Create(seal, at, hash, "/Doc_0/Signs/Sign_0/Signature.xml", key)), 200));
        profile.insideSign.Add(("zip the unsigned package (OfdPackage.ToBytes)", Time(rendered.Count, i => rendered[i].Package.ToBytes()), rendered.Count));
        OfdPackage.TryOpen(lastFile, OfdReadLimits.Default, out var signedPackage, out _);
        profile.insideSign.Add(("zip the package with 3 signatures (OfdPackage.ToBytes, Optimal deflate of seals too)", Time(50, () => signedPackage!.ToBytes()), 50));
        var sealFile = signedPackage!.GetEntry("Doc_0/Signs/Sign_0/Seal.esl");
        profile.insideSign.Add((string.Create(CultureInfo.InvariantCulture, $"deflate (Optimal) one Seal.esl, {sealFile.Length / 1024.0:0.0} KiB → {Deflated(sealFile) / 1024.0:0.0} KiB"), Time(50, () => Deflated(sealFile)), 50));
        profile.insideSign.Add(("SM3 of every file (the References)", Time(rendered.Count, i =>
        {
            foreach (var entry in rendered[i].Package.Entries.Values)
            {
                _ = Sm3.Hash(entry.Span);
            }
        }), rendered.Count));
        profile.insideSign.Add(("RegistryKeys.ForDepartment (once)", Time(50, () => keys.ForDepartment(issuer)), 50));
        return profile;
    }

    /// <summary>
    /// What-if: the issuer's steps with each department's key loaded once beforehand (as a cache in RegistryKeys would do),
    /// on <paramref name="parallelism"/> threads; licenses per second.
    /// </summary>
    public static async Task<double> CachedKeysRateAsync(
        IServiceProvider services,
        LicenseType type,
        Department issuer,
        IReadOnlyDictionary<UnifiedSocialCreditCode, Department> directory,
        IReadOnlyList<(LicenseId Id, string DataJson, string Sha256)> work,
        DateTimeOffset at,
        int parallelism)
    {
        var renderer = services.GetRequiredService<LicenseOfdRenderer>();
        var seals = services.GetRequiredService<SealRegistry>();
        var keys = services.GetRequiredService<RegistryKeys>();
        var objects = services.GetRequiredService<IObjectStore>();
        var plan = SignerPlan.For(type, issuer, directory);
        var signers = plan.Select(p => keys.ForDepartment(p.Department)).ToList();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (item, token) =>
        {
            var sealsInOrder = new List<SesSeal>();
            foreach (var signature in plan)
            {
                sealsInOrder.Add(await seals.ActiveSealAsync(signature.Department, signature.SealKind, makeDemoSeal: true, token));
            }

            using var data = JsonDocument.Parse(item.DataJson);
            var page = renderer.Render(new LicenseRenderRequest
            {
                Type = type,
                LicenseId = item.Id,
                Data = data.RootElement,
                IssuedAt = at,
                VerificationPayload = LicenseDocumentIssuer.VerificationPayload(item.Id),
            });
            var package = page.Package;
            byte[] bytes = [];
            for (var i = 0; i < plan.Count; i++)
            {
                var slot = page.SealSlots[i];
                var stamp = new StampPlacement(slot.PageId.ToString(CultureInfo.InvariantCulture), slot.Boundary.X, slot.Boundary.Y, slot.Boundary.Width, slot.Boundary.Height);
                bytes = OfdSigner.Sign(package, new OfdSealRequest(signers[i], sealsInOrder[i], [stamp], at, ProtectWholeDocument: i == plan.Count - 1));
                if (i < plan.Count - 1 && !OfdPackage.TryOpen(bytes, OfdReadLimits.Default, out package, out var error))
                {
                    throw new InvalidOperationException(error);
                }
            }

            _ = Sm3.Hash(bytes);
            await objects.PutAsync(bytes, token);
        });
        return work.Count / watch.Elapsed.TotalSeconds;
    }

    public void Write(TextWriter output)
    {
        var total = Stopwatch.GetElapsedTime(0, totalTicks);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    where the time goes, 1 thread, {licenses} licenses, {total.TotalMilliseconds / licenses:0.00} ms per license ({licenses / total.TotalSeconds:0}/s):"));
        foreach (var (step, ticks, calls) in steps)
        {
            var time = Stopwatch.GetElapsedTime(0, ticks);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"      {step,-82} {time.TotalMilliseconds / licenses,7:0.00} ms/license {time / total,5:P0}   ({time.TotalMilliseconds / calls:0.00} ms per call)"));
        }

        output.WriteLine("    inside one OfdSigner.Sign (timed alone, per call):");
        foreach (var (part, ticks, calls) in insideSign)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {part,-82} {Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds / calls,7:0.00} ms"));
        }
    }

    private static long Time(int count, Action action) => Time(count, _ => action());

    private static long Time(int count, Action<int> action)
    {
        action(0);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            action(i);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long Deflated(ReadOnlyMemory<byte> bytes)
    {
        using var output = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(bytes.Span);
        }

        return output.Length;
    }

    private static byte[] FirstTbsSign(byte[] ofd)
    {
        OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out _);
        var sequence = new AsnReader(package!.GetEntry("Doc_0/Signs/Sign_0/SignedValue.dat"), AsnEncodingRules.DER).ReadSequence();
        return sequence.ReadEncodedValue().ToArray();
    }
}
