using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ElectronicLicense.Seals.Tests.Ses;

/// <summary>Interop files (ofdrw, see Interop/README.md), test keys and the openssl runner.</summary>
internal static class SesTestData
{
    public const string FontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

    private static readonly Lazy<SigningKey> OfdrwUser = new(() => SigningKey.FromPkcs12(Interop("USER.p12"), "777777"));

    /// <summary>ofdrw's public TEST signer: an SM2 key whose certificate is the one UserV4.esl lists.</summary>
    public static SigningKey UserKey => OfdrwUser.Value;

    public static byte[] Interop(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Interop", name));

    public static Dictionary<string, byte[]> Unzip(string ofdName)
    {
        using var zip = new ZipArchive(new MemoryStream(Interop(ofdName)), ZipArchiveMode.Read);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files["/" + entry.FullName.TrimStart('/')] = copy.ToArray();
        }

        return files;
    }

    /// <summary>The first signature of an OFD: its Signature.xml path, type, and the SignedValue and Seal BaseLoc paths inside it.</summary>
    public static (string SignatureXml, string Type, string SignedValue, string? SealPath) FirstSignature(Dictionary<string, byte[]> files)
    {
        XNamespace ofd = "http://www.ofdspec.org/2016";
        // GB/T 33190: OFD.xml DocBody/Signatures points at the signature list (absolute, or relative to the package root).
        var ofdXml = XDocument.Parse(Encoding.UTF8.GetString(files["/OFD.xml"]));
        var signaturesLoc = ofdXml.Descendants(ofd + "DocBody").First().Element(ofd + "Signatures")!.Value.Trim();
        var signaturesPath = "/" + signaturesLoc.TrimStart('/');
        var signatures = XDocument.Parse(Encoding.UTF8.GetString(files[signaturesPath]));
        var first = signatures.Descendants(ofd + "Signature").First();
        var signatureXml = first.Attribute("BaseLoc")!.Value;
        var xml = XDocument.Parse(Encoding.UTF8.GetString(files[signatureXml]));
        var signedValue = xml.Descendants(ofd + "SignedValue").Single().Value.Trim();
        var seal = xml.Descendants(ofd + "Seal").SingleOrDefault()?.Element(ofd + "BaseLoc")?.Value.Trim();
        return (signatureXml, first.Attribute("Type")?.Value ?? "Seal", signedValue, seal);
    }

    public static X509Certificate SelfSigned(AsymmetricCipherKeyPair pair, string algorithmOid, string cn)
    {
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(BigInteger.ProbablePrime(64, new SecureRandom()));
        generator.SetIssuerDN(new X509Name("CN=" + cn));
        generator.SetSubjectDN(new X509Name("CN=" + cn));
        generator.SetNotBefore(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generator.SetNotAfter(new DateTime(2035, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generator.SetPublicKey(pair.Public);
        return generator.Generate(new Asn1SignatureFactory(algorithmOid, pair.Private));
    }

    /// <summary>A fresh SM2 key with a self-signed certificate (not listed in any interop seal).</summary>
    public static SigningKey NewSm2Key(string cn = "Another signer")
    {
        var pair = Sm2.GenerateKeyPair();
        return new SigningKey(pair.Private, SelfSigned(pair, Oids.Sm2WithSm3, cn));
    }

    /// <summary>A P-256 ECDSA key, which GB/T 38540 seals must refuse.</summary>
    public static SigningKey NewEcdsaKey()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        return new SigningKey(pair.Private, SelfSigned(pair, Oids.EcdsaWithSha256, "ECDSA"));
    }

    /// <summary>Runs openssl with <paramref name="arguments"/>; returns the exit code and the combined output.</summary>
    public static (int ExitCode, string Output) OpenSsl(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }

    /// <summary>Checks an SM2 signature over <paramref name="data"/> with openssl, as an independent implementation.</summary>
    public static void AssertOpenSslVerifies(byte[] certificateDer, byte[] data, byte[] signatureDer)
    {
        var dir = Directory.CreateTempSubdirectory("ses-openssl-");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "cert.der"), certificateDer);
            File.WriteAllBytes(Path.Combine(dir.FullName, "tbs.der"), data);
            File.WriteAllBytes(Path.Combine(dir.FullName, "sig.der"), signatureDer);
            var (code, output) = OpenSsl(dir.FullName, "x509", "-inform", "DER", "-in", "cert.der", "-pubkey", "-noout", "-out", "pub.pem");
            Assert.True(code == 0, output);
            (code, output) = OpenSsl(dir.FullName, "dgst", "-sm3", "-verify", "pub.pem", "-sigopt", "distid:1234567812345678", "-signature", "sig.der", "tbs.der");
            Assert.True(code == 0, output);
            Assert.Contains("Verified OK", output, StringComparison.Ordinal);

            // And openssl refuses the same signature over changed data, so the check above means something.
            data[data.Length / 2] ^= 0x01;
            File.WriteAllBytes(Path.Combine(dir.FullName, "tbs.der"), data);
            (code, _) = OpenSsl(dir.FullName, "dgst", "-sm3", "-verify", "pub.pem", "-sigopt", "distid:1234567812345678", "-signature", "sig.der", "tbs.der");
            Assert.NotEqual(0, code);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A seal made with the ofdrw test key as maker and signer.</summary>
    public static SesSeal MakeSeal(string name = "某市市场监督管理局电子证照专用章", byte[]? png = null, SigningKey? maker = null, DateTimeOffset? start = null)
    {
        var from = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return SesSeal.Create(
            new SesSealDescription
            {
                EsId = "11010000000001",
                Name = name,
                SignerCertificates = [UserKey.Certificate],
                CreateDate = from,
                ValidStart = from,
                ValidEnd = from.AddYears(5),
                PicturePng = png ?? Interop("StampImg.png"),
                PictureWidthMm = 42,
                PictureHeightMm = 42,
            },
            maker ?? UserKey);
    }
}
