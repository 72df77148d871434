using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;

namespace ElectronicLicense.Bench;

/// <summary>Times the CPU steps <see cref="IngestService"/> runs per line before storing, one at a time, on generated lines.</summary>
/// <remarks>Calls the same internal steps in the same order as <c>IngestService.Prepare</c>; the authorisation check is a list lookup and is left out.</remarks>
internal static class PrepareProfile
{
    public static void Run(LicenseCatalog catalog, int count, TextWriter output)
    {
        var clock = TimeProvider.System;
        var generator = new BusinessLicenseGenerator(count, clock);
        var lines = Enumerable.Range(0, count).Select(generator.Line).ToArray();
        var parser = new SubmissionParser(catalog, UsccAllowList.Empty, clock);
        var issuer = UnifiedSocialCreditCode.Parse(BusinessLicenseGenerator.Issuer);
        var type = catalog.Types.Single(t => t.Code.Value == BusinessLicenseGenerator.TypeCode);

        long read = 0, parse = 0, face = 0, build = 0, hash = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            // Pass 0 warms up; pass 1 is measured.
            read = parse = face = build = hash = 0;
            foreach (var line in lines)
            {
                var t0 = Stopwatch.GetTimestamp();
                var body = SubmissionParser.ReadJson(line);
                var t1 = Stopwatch.GetTimestamp();
                var submission = parser.Parse(body);
                var t2 = Stopwatch.GetTimestamp();
                _ = type.ValidateFace(submission.Face, "/照面");
                var t3 = Stopwatch.GetTimestamp();
                submission.IssuerCode = issuer;
                var data = LicenseData.Build(submission, "重庆市市场监督管理局");
                var json = LicenseData.Serialize(data);
                var t4 = Stopwatch.GetTimestamp();
                _ = LicenseData.ContentHash(data, null);
                var t5 = Stopwatch.GetTimestamp();
                read += t1 - t0;
                parse += t2 - t1;
                face += t3 - t2;
                build += t4 - t3;
                hash += t5 - t4;
                GC.KeepAlive(json);
            }
        }

        string PerLicense(long ticks) => string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(0, ticks).TotalMicroseconds / count,7:0.0} µs");
        output.WriteLine($"CPU steps per license before storage (single thread, {count.ToString("N0", CultureInfo.InvariantCulture)} lines):");
        output.WriteLine($"  JSON read (Newtonsoft JObject)          {PerLicense(read)}");
        output.WriteLine($"  envelope + 照面 validation (Parse)      {PerLicense(parse)}   of which 照面 schema alone ≈ {PerLicense(face).Trim()}");
        output.WriteLine($"  build + serialise stored JSON           {PerLicense(build)}");
        output.WriteLine($"  canonical content SHA-256               {PerLicense(hash)}");
        var total = read + parse + build + hash;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  total                                   {PerLicense(total)}  → at most {count / Stopwatch.GetElapsedTime(0, total).TotalSeconds:0} licenses/s on one core before any database work"));
    }
}
