using System.Globalization;
using System.Text;
using System.Xml.Linq;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>Where a seal's picture is stamped: a page (by its ID in Document.xml) and a box in millimetres.</summary>
/// <param name="PageId">The page's ID attribute in Doc_0/Document.xml (StampAnnot PageRef).</param>
/// <param name="X">Left edge, mm from the page's left.</param>
/// <param name="Y">Top edge, mm from the page's top.</param>
/// <param name="Width">Width in mm.</param>
/// <param name="Height">Height in mm.</param>
public sealed record StampPlacement(string PageId, double X, double Y, double Width, double Height)
{
    internal string Boundary => string.Create(CultureInfo.InvariantCulture, $"{X:0.###} {Y:0.###} {Width:0.###} {Height:0.###}");
}

/// <summary>One electronic seal applied to an OFD document.</summary>
/// <param name="Signer">The department's SM2 signing key; its certificate must be listed in the seal.</param>
/// <param name="Seal">The seal (GB/T 38540 SESeal).</param>
/// <param name="Stamps">Where the seal's picture appears (at least one).</param>
/// <param name="Time">The signing time written into TBS_Sign and Signature.xml.</param>
/// <param name="ProtectWholeDocument">Also cover Signatures.xml, so that no further signature can be added without breaking this one.</param>
public sealed record OfdSealRequest(SigningKey Signer, SesSeal Seal, IReadOnlyList<StampPlacement> Stamps, DateTimeOffset Time, bool ProtectWholeDocument = false);

/// <summary>Signing of OFD documents with electronic seals (GB/T 38540 §7 and GB/T 33190 §18), one signature after another.</summary>
/// <remarks>
/// Each signature covers, by SM3 digest, every file present when it is made — earlier signatures' files included — so earlier
/// signatures stay valid and later ones are bound to them. Signatures.xml is left out (ContinueSign) unless the signer seals the
/// document whole, after which the signer refuses to add more.
/// </remarks>
public static class OfdSigner
{
    /// <summary>The ProviderName written into Signature.xml.</summary>
    public const string ProviderName = "ElectronicLicense";

    /// <summary>Adds one seal signature and returns the new package bytes; the input is not changed.</summary>
    /// <exception cref="OfdFormatException">The package is not a well-formed OFD.</exception>
    /// <exception cref="OfdSigningException">The seal cannot be used by this signer now, or the document is already sealed whole.</exception>
    public static byte[] Sign(OfdPackage package, OfdSealRequest request) => Sign(package, [request]);

    /// <summary>Adds several seal signatures one after another (each covering the ones before) and writes the package once.</summary>
    /// <exception cref="OfdFormatException">The package is not a well-formed OFD.</exception>
    /// <exception cref="OfdSigningException">A seal cannot be used by its signer, or the document is (or becomes) sealed whole before the last request.</exception>
    public static byte[] Sign(OfdPackage package, IReadOnlyList<OfdSealRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests)
        {
            ArgumentNullException.ThrowIfNull(request, nameof(requests));
            CheckRequest(request);
        }

        var files = OfdFileSet.From(package);
        foreach (var request in requests)
        {
            SignOne(files, request);
        }

        return files.ToPackageBytes();
    }

    private static void SignOne(OfdFileSet files, OfdSealRequest request)
    {
        var ofdXml = files.LoadXml("OFD.xml");
        var docBody = ofdXml.Root?.Element(OfdSignatureXml.Ofd + "DocBody") ?? throw new OfdFormatException("OFD.xml has no DocBody.");
        var docRoot = OfdPath.Resolve(string.Empty, (string?)docBody.Element(OfdSignatureXml.Ofd + "DocRoot") ?? throw new OfdFormatException("OFD.xml has no DocRoot."));
        var docFolder = OfdPath.FolderOf(docRoot);

        var signaturesElement = docBody.Element(OfdSignatureXml.Ofd + "Signatures");
        string signaturesPath;
        var entries = new List<OfdSignatureXml.Entry>();
        long maxSignId = 0;
        if (signaturesElement is null)
        {
            // First signature: OFD.xml learns where the signature list is. No earlier signature covers OFD.xml yet.
            signaturesPath = docFolder + "Signs/Signatures.xml";
            docBody.Element(OfdSignatureXml.Ofd + "DocRoot")!.AddAfterSelf(new XElement(OfdSignatureXml.Ofd + "Signatures", OfdPath.ToAbsolute(signaturesPath)));
            files.Set("OFD.xml", Serialize(ofdXml));
        }
        else
        {
            signaturesPath = OfdPath.Resolve(string.Empty, signaturesElement.Value);
            if (files.Contains(signaturesPath))
            {
                (entries, maxSignId) = OfdSignatureXml.ReadList(files.LoadXml(signaturesPath));
                RefuseIfSealedWhole(files, signaturesPath, entries);
            }
        }

        CheckPages(files.LoadXml(docRoot), request.Stamps);
        var signsFolder = OfdPath.FolderOf(signaturesPath);
        var index = 0;
        while (files.ContainsFolder($"{signsFolder}Sign_{index}/"))
        {
            index++;
        }

        var folder = $"{signsFolder}Sign_{index}/";
        var signaturePath = folder + "Signature.xml";
        var signedValuePath = folder + "SignedValue.dat";
        var sealPath = folder + "Seal.esl";

        // GB/T 38540 keeps the seal inside the signature; the copy as a file lets readers draw it without parsing ASN.1.
        files.Set(sealPath, request.Seal.Encoded.ToArray());

        var signatureId = maxSignId + 1;
        var stamps = request.Stamps.Select((s, i) => (Id: signatureId + 1 + i, s.PageId, s.Boundary)).ToList();
        maxSignId = signatureId + stamps.Count;
        entries.Add(new OfdSignatureXml.Entry(signatureId.ToString(CultureInfo.InvariantCulture), "Seal", OfdPath.ToAbsolute(signaturePath)));
        var list = Serialize(OfdSignatureXml.WriteList(entries, maxSignId));
        if (request.ProtectWholeDocument)
        {
            files.Set(signaturesPath, list);
        }

        var references = files.Paths
            .Where(p => request.ProtectWholeDocument || p != signaturesPath)
            .Select(p => (OfdPath.ToAbsolute(p), files.Sm3Of(p)))
            .ToList();
        var signatureXml = Serialize(OfdSignatureXml.WriteSignature(
            OfdPath.ToAbsolute(signedValuePath), ProviderName, "1.0", request.Time, references, stamps, OfdPath.ToAbsolute(sealPath)));
        files.Set(signaturePath, signatureXml);

        // GB/T 38540 7.2: dataHash is the SM3 of the signature file; propertyInfo names it.
        var signature = SesSignature.Create(request.Seal, request.Time, Sm3.Hash(signatureXml), OfdPath.ToAbsolute(signaturePath), request.Signer);
        files.Set(signedValuePath, signature.Encoded.ToArray());
        if (!request.ProtectWholeDocument)
        {
            files.Set(signaturesPath, list);
        }
    }

    private static void CheckRequest(OfdSealRequest request)
    {
        if (request.Signer.Algorithm != SignatureAlgorithm.Sm2WithSm3)
        {
            throw new OfdSigningException("OFD seal signatures (GB/T 38540) need an SM2 key; this signer's key is " + request.Signer.Algorithm + ".");
        }

        if (request.Stamps.Count == 0)
        {
            throw new ArgumentException("At least one stamp placement is required.", nameof(request));
        }

        // GB/T 38540 7.1 b): the signer's certificate must be one the seal lists, and the seal valid at the signing time.
        if (!request.Seal.ListsSigner(request.Signer.Certificate))
        {
            throw new OfdSigningException($"Seal {request.Seal.EsId} does not list the signer's certificate ({request.Signer.Certificate.Subject}).");
        }

        if (!request.Seal.IsValidAt(request.Time))
        {
            throw new OfdSigningException($"Seal {request.Seal.EsId} is not valid at {request.Time:yyyy-MM-dd HH:mm:ss zzz}.");
        }
    }

    private static void CheckPages(XDocument document, IReadOnlyList<StampPlacement> stamps)
    {
        var pageIds = document.Root?.Element(OfdSignatureXml.Ofd + "Pages")?.Elements(OfdSignatureXml.Ofd + "Page")
            .Select(p => (string?)p.Attribute("ID")).ToHashSet() ?? [];
        foreach (var stamp in stamps.Where(s => !pageIds.Contains(s.PageId)))
        {
            throw new OfdSigningException($"The document has no page with ID {stamp.PageId} to stamp the seal on.");
        }
    }

    private static void RefuseIfSealedWhole(OfdFileSet files, string signaturesPath, IEnumerable<OfdSignatureXml.Entry> entries)
    {
        var absolute = OfdPath.ToAbsolute(signaturesPath);
        foreach (var entry in entries)
        {
            var path = OfdPath.Resolve(OfdPath.FolderOf(signaturesPath), entry.BaseLoc);
            if (!files.Contains(path))
            {
                continue;
            }

            var signature = OfdSignatureXml.ReadSignature(files.LoadXml(path));
            if (signature.References.Any(r => r.FileRef == absolute || r.FileRef == signaturesPath))
            {
                throw new OfdSigningException(
                    $"The document is sealed whole by signature {entry.Id} (it covers Signatures.xml); another signature would invalidate it.");
            }
        }
    }

    private static byte[] Serialize(XDocument document)
    {
        using var output = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(output, new System.Xml.XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = false,
        }))
        {
            document.Save(writer);
        }

        return output.ToArray();
    }
}

/// <summary>A signature cannot be added: wrong key type, seal not usable by this signer now, or the document is sealed whole.</summary>
public sealed class OfdSigningException : Exception
{
    /// <summary>Creates the exception with a message saying what is wrong.</summary>
    public OfdSigningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public OfdSigningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OfdSigningException()
        : base("The signature cannot be added.")
    {
    }
}
