using System.Globalization;
using System.IO.Compression;
using ElectronicLicense.Seals.Pki;
using ImageMagick;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>Signs PDFs with PAdES B-B signatures (ETSI.CAdES.detached), each appended as an incremental update.</summary>
/// <remarks>
/// ISO 32000-1 §7.5.6: an incremental update appends the new and changed objects, a cross-reference section for them
/// and a trailer whose /Prev points at the previous section; nothing earlier is touched, so earlier signatures keep
/// verifying. The update uses a classic xref table when the newest section of the input is a table, an xref stream
/// when it is a stream (object streams are then still reachable). Hand-written because PDFsharp 6.5 has no
/// incremental save and signs without signed attributes; PDFsharp is not needed to read the few objects touched.
/// </remarks>
public static class PdfSigner
{
    private const string ByteRangePlaceholder = "[0 0000000000 0000000000 0000000000]";
    private const int MinContentsSize = 1024;
    private const int MaxContentsSize = 1 << 20;

    /// <summary>Appends a signature to <paramref name="pdf"/> and returns the signed file.</summary>
    /// <exception cref="PdfFormatException">The PDF cannot be read, is encrypted or has no pages.</exception>
    /// <exception cref="ArgumentException">The field name is empty, contains '.', or is already used; the page index is out of range.</exception>
    /// <exception cref="InvalidOperationException">Certification requested on an already signed file, a file certified with no changes allowed, or a CMS larger than the reservation.</exception>
    public static byte[] Sign(byte[] pdf, PdfSignatureRequest request)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.FieldName);
        if (request.FieldName.Contains('.', StringComparison.Ordinal))
        {
            // ISO 32000-1 §12.7.3.2: '.' separates the parts of a fully qualified field name.
            throw new ArgumentException($"The signature field name must not contain '.', got '{request.FieldName}'.", nameof(request));
        }

        if (request.ContentsSize is < MinContentsSize or > MaxContentsSize)
        {
            throw new ArgumentException($"ContentsSize must be {MinContentsSize}–{MaxContentsSize} bytes, got {request.ContentsSize}.", nameof(request));
        }

        var file = PdfFile.Open(pdf);
        if (file.Trailer["Encrypt"] is not null)
        {
            throw new PdfFormatException("Encrypted PDFs cannot be signed here.");
        }

        var rootReference = file.Root;
        var catalog = file.Catalog;
        var pages = file.Pages();
        if (pages.Count == 0)
        {
            throw new PdfFormatException("The PDF has no pages.");
        }

        var fields = file.Fields();
        if (fields.Any(f => f.Name == request.FieldName))
        {
            throw new ArgumentException($"The document already has a field named '{request.FieldName}'.", nameof(request));
        }

        if (request.Certify && fields.Any(f => f.Type == "Sig" && file.Resolve(f.Dictionary["V"]) is not null))
        {
            // ISO 32000-1 §12.8.1: a certification signature, if any, shall be the first signature in the document.
            throw new InvalidOperationException("Only the first signature may certify the document; this one is already signed.");
        }

        if (PdfDocMdp.Permission(file) is (1, _))
        {
            throw new InvalidOperationException("The document is certified with no changes allowed (DocMDP P=1): another signature would break the certification.");
        }

        var pageIndex = request.Appearance?.PageIndex ?? 0;
        if (pageIndex < 0 || pageIndex >= pages.Count)
        {
            throw new ArgumentException($"Page index {pageIndex} is outside the document's {pages.Count} pages.", nameof(request));
        }

        var pageReference = pages[pageIndex];
        var writer = new UpdateWriter(pdf, file.Size);
        var signatureReference = writer.Allocate();
        var widgetReference = writer.Allocate();
        var appearanceReference = writer.Allocate();

        // The signature dictionary first, so its placeholders are found by position.
        var (byteRangeAt, contentsAt, contentsEnd) = writer.WriteSignatureDictionary(signatureReference, request);
        writer.WriteObject(widgetReference, Widget(request, signatureReference, pageReference, appearanceReference));
        WriteAppearance(writer, appearanceReference, request.Appearance);

        var page = file.ResolveDictionary(pageReference)!.Copy();
        if (page["Annots"] is PdfReference annotsReference && file.Resolve(annotsReference) is PdfArray annots)
        {
            writer.WriteObject(annotsReference, new PdfArray([.. annots.Items, widgetReference]));
        }
        else
        {
            var existing = file.Resolve(page["Annots"]) as PdfArray;
            page["Annots"] = new PdfArray([.. existing?.Items ?? [], widgetReference]);
            writer.WriteObject(pageReference, page);
        }

        var catalogChanged = false;
        PdfDictionary form;
        PdfReference formReference;
        if (catalog["AcroForm"] is PdfReference existingForm && file.ResolveDictionary(existingForm) is { } formDictionary)
        {
            form = formDictionary.Copy();
            formReference = existingForm;
        }
        else
        {
            form = (file.Resolve(catalog["AcroForm"]) as PdfDictionary)?.Copy() ?? new PdfDictionary();
            formReference = writer.Allocate();
            catalogChanged = true;
        }

        var existingFields = file.Resolve(form["Fields"]) as PdfArray;
        form["Fields"] = new PdfArray([.. existingFields?.Items ?? [], widgetReference]);
        // ISO 32000-1 Table 219: SignaturesExist (1) | AppendOnly (2).
        form["SigFlags"] = new PdfNumber(3);
        writer.WriteObject(formReference, form);

        var newCatalog = catalog.Copy();
        newCatalog["AcroForm"] = formReference;
        if (request.Certify)
        {
            // ISO 32000-1 §12.8.4: /Perms /DocMDP names the certification signature's dictionary.
            var perms = (file.Resolve(catalog["Perms"]) as PdfDictionary)?.Copy() ?? new PdfDictionary();
            perms["DocMDP"] = signatureReference;
            newCatalog["Perms"] = perms;
            catalogChanged = true;
        }

        if (catalogChanged)
        {
            writer.WriteObject(rootReference, newCatalog);
        }

        var signed = writer.Finish(file, rootReference);
        FillSignature(signed, request.Key, byteRangeAt, contentsAt, contentsEnd, request.ContentsSize);
        return signed;
    }

    private static PdfDictionary Widget(PdfSignatureRequest request, PdfReference signature, PdfReference page, PdfReference appearance)
    {
        var a = request.Appearance;
        var rect = a is null
            ? new PdfArray([new PdfNumber(0), new PdfNumber(0), new PdfNumber(0), new PdfNumber(0)])
            : new PdfArray([PdfNumber.Real(a.X), PdfNumber.Real(a.Y), PdfNumber.Real(a.X + a.Width), PdfNumber.Real(a.Y + a.Height)]);
        var widget = new PdfDictionary();
        widget["Type"] = new PdfName("Annot");
        widget["Subtype"] = new PdfName("Widget");
        widget["FT"] = new PdfName("Sig");
        widget["T"] = PdfString.FromText(request.FieldName);
        widget["V"] = signature;
        widget["P"] = page;
        widget["Rect"] = rect;
        // ISO 32000-1 Table 165: Print (4) | Locked (128).
        widget["F"] = new PdfNumber(132);
        var ap = new PdfDictionary();
        ap["N"] = appearance;
        widget["AP"] = ap;
        return widget;
    }

    private static void WriteAppearance(UpdateWriter writer, PdfReference reference, PdfSealAppearance? appearance)
    {
        var form = new PdfDictionary();
        form["Type"] = new PdfName("XObject");
        form["Subtype"] = new PdfName("Form");
        if (appearance is null)
        {
            form["BBox"] = new PdfArray([new PdfNumber(0), new PdfNumber(0), new PdfNumber(0), new PdfNumber(0)]);
            writer.WriteObject(reference, new PdfStream(form, Array.Empty<byte>()));
            return;
        }

        if (appearance.Width is not (> 0 and < 14400) || appearance.Height is not (> 0 and < 14400))
        {
            throw new ArgumentException("The seal's width and height must be positive and at most 14400 points.", nameof(appearance));
        }

        var w = PdfNumber.Real(appearance.Width).Text;
        var h = PdfNumber.Real(appearance.Height).Text;
        form["BBox"] = new PdfArray([new PdfNumber(0), new PdfNumber(0), PdfNumber.Real(appearance.Width), PdfNumber.Real(appearance.Height)]);
        string content;
        if (appearance.Png is { } png)
        {
            var image = writer.Allocate();
            WriteImage(writer, image, png);
            var xobjects = new PdfDictionary();
            xobjects["Seal"] = image;
            var resources = new PdfDictionary();
            resources["XObject"] = xobjects;
            form["Resources"] = resources;
            content = $"q {w} 0 0 {h} 0 0 cm /Seal Do Q\n";
        }
        else
        {
            content = $"q 0.8 0 0 RG 2 w 1 1 {PdfNumber.Real(appearance.Width - 2).Text} {PdfNumber.Real(appearance.Height - 2).Text} re S Q\n";
        }

        writer.WriteObject(reference, new PdfStream(form, System.Text.Encoding.ASCII.GetBytes(content)));
    }

    /// <summary>The PNG as an RGB image XObject with its alpha as a soft mask (ISO 32000-1 §11.6.5.3), both Flate-compressed.</summary>
    private static void WriteImage(UpdateWriter writer, PdfReference reference, ReadOnlyMemory<byte> png)
    {
        var image = DecodedImage(png);
        var mask = writer.Allocate();
        writer.WriteObject(mask, ImageStream(image.Width, image.Height, "DeviceGray", image.Alpha, null));
        writer.WriteObject(reference, ImageStream(image.Width, image.Height, "DeviceRGB", image.Rgb, mask));
    }

    private sealed record SealImage(int Width, int Height, byte[] Rgb, byte[] Alpha);

    // A registry signs with a handful of seal pictures, each thousands of times: decoding and deflating one costs milliseconds,
    // more than the signature itself. Keyed by the PNG's SHA-256, so equal pictures share an entry; bounded by clearing.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SealImage> DecodedImages = new(StringComparer.Ordinal);
    private const int MaxDecodedImages = 256;

    private static SealImage DecodedImage(ReadOnlyMemory<byte> png)
    {
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(png.Span));
        if (DecodedImages.TryGetValue(key, out var known))
        {
            return known;
        }

        byte[] rgba;
        int width, height;
        try
        {
            using var image = new MagickImage(png.ToArray());
            width = (int)image.Width;
            height = (int)image.Height;
            using var pixels = image.GetPixels();
            rgba = pixels.ToByteArray(PixelMapping.RGBA) ?? throw new ArgumentException("The seal picture has no pixels.");
        }
        catch (MagickException e)
        {
            throw new ArgumentException("The seal picture is not a readable PNG.", nameof(png), e);
        }

        var rgb = new byte[width * height * 3];
        var alpha = new byte[width * height];
        for (var i = 0; i < width * height; i++)
        {
            rgb[i * 3] = rgba[i * 4];
            rgb[(i * 3) + 1] = rgba[(i * 4) + 1];
            rgb[(i * 3) + 2] = rgba[(i * 4) + 2];
            alpha[i] = rgba[(i * 4) + 3];
        }

        if (DecodedImages.Count >= MaxDecodedImages)
        {
            DecodedImages.Clear();
        }

        return DecodedImages[key] = new SealImage(width, height, Deflate(rgb), Deflate(alpha));
    }

    private static byte[] Deflate(byte[] samples)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(samples);
        }

        return compressed.ToArray();
    }

    private static PdfStream ImageStream(int width, int height, string colourSpace, byte[] compressed, PdfReference? softMask)
    {
        var dictionary = new PdfDictionary();
        dictionary["Type"] = new PdfName("XObject");
        dictionary["Subtype"] = new PdfName("Image");
        dictionary["Width"] = new PdfNumber(width);
        dictionary["Height"] = new PdfNumber(height);
        dictionary["ColorSpace"] = new PdfName(colourSpace);
        dictionary["BitsPerComponent"] = new PdfNumber(8);
        dictionary["Filter"] = new PdfName("FlateDecode");
        if (softMask is not null)
        {
            dictionary["SMask"] = softMask;
        }

        return new PdfStream(dictionary, compressed);
    }

    /// <summary>Writes the final /ByteRange, signs everything outside the Contents hole and puts the CMS into it.</summary>
    private static void FillSignature(byte[] signed, SigningKey key, long byteRangeAt, long contentsAt, long contentsEnd, int reserved)
    {
        // ISO 32000-1 §12.8.1: the byte range covers the whole file except the Contents value including its delimiters.
        var b = contentsAt;
        var c = contentsEnd;
        var d = signed.Length - c;
        var byteRange = $"[0 {b} {c} {d}".PadRight(ByteRangePlaceholder.Length - 1) + "]";
        System.Text.Encoding.ASCII.GetBytes(byteRange).CopyTo(signed, byteRangeAt);

        var content = new byte[b + d];
        signed.AsSpan(0, (int)b).CopyTo(content);
        signed.AsSpan((int)c, (int)d).CopyTo(content.AsSpan((int)b));
        var cms = PdfCms.Sign(key, content);
        if (cms.Length > reserved)
        {
            throw new InvalidOperationException($"The CMS signature needs {cms.Length} bytes but only {reserved} were reserved; raise ContentsSize.");
        }

        System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(cms)).CopyTo(signed, b + 1);
    }

    /// <summary>ISO 32000-1 §7.9.4: D:YYYYMMDDHHmmSSOHH'mm.</summary>
    internal static string PdfDate(DateTimeOffset time)
    {
        var offset = time.Offset;
        var zone = offset == TimeSpan.Zero
            ? "Z"
            : (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\'mm\\'", CultureInfo.InvariantCulture);
        return "D:" + time.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + zone;
    }

    /// <summary>Appends objects after the original bytes and ends the update with its cross-reference section.</summary>
    private sealed class UpdateWriter
    {
        private readonly MemoryStream output = new();
        private readonly SortedDictionary<int, (long Offset, int Generation)> written = [];
        private int next;

        public UpdateWriter(byte[] original, int size)
        {
            output.Write(original);
            next = size;
            if (original.Length > 0 && original[^1] is not ((byte)'\n' or (byte)'\r'))
            {
                output.WriteByte((byte)'\n');
            }
        }

        public PdfReference Allocate() => new(next++, 0);

        public void WriteObject(PdfReference reference, PdfObject value)
        {
            Begin(reference);
            PdfSerializer.Write(output, value);
            PdfSerializer.Ascii(output, "\nendobj\n");
        }

        private void Begin(PdfReference reference)
        {
            written[reference.Number] = (output.Position, reference.Generation);
            PdfSerializer.Ascii(output, $"{reference.Number} {reference.Generation} obj\n");
        }

        public (long ByteRangeAt, long ContentsAt, long ContentsEnd) WriteSignatureDictionary(PdfReference reference, PdfSignatureRequest request)
        {
            Begin(reference);
            // ETSI EN 319 142-1 §5.2.1 (PAdES B-B): Filter Adobe.PPKLite, SubFilter ETSI.CAdES.detached, time in /M.
            PdfSerializer.Ascii(output, "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange ");
            var byteRangeAt = output.Position;
            PdfSerializer.Ascii(output, ByteRangePlaceholder);
            PdfSerializer.Ascii(output, "/Contents ");
            var contentsAt = output.Position;
            PdfSerializer.Ascii(output, "<" + new string('0', request.ContentsSize * 2) + ">");
            var contentsEnd = output.Position;
            var rest = new PdfDictionary();
            rest["M"] = new PdfString(System.Text.Encoding.ASCII.GetBytes(PdfDate(request.SigningTime)));
            if (request.SignerName is { } name)
            {
                rest["Name"] = PdfString.FromText(name);
            }

            if (request.Reason is { } reason)
            {
                rest["Reason"] = PdfString.FromText(reason);
            }

            if (request.Location is { } location)
            {
                rest["Location"] = PdfString.FromText(location);
            }

            if (request.Certify)
            {
                // ISO 32000-1 §12.8.2.2, Table 254: DocMDP with P=2 (form filling and signing allowed).
                var parameters = new PdfDictionary();
                parameters["Type"] = new PdfName("TransformParams");
                parameters["P"] = new PdfNumber(2);
                parameters["V"] = new PdfName("1.2");
                var sigRef = new PdfDictionary();
                sigRef["Type"] = new PdfName("SigRef");
                sigRef["TransformMethod"] = new PdfName("DocMDP");
                sigRef["TransformParams"] = parameters;
                rest["Reference"] = new PdfArray([sigRef]);
            }

            foreach (var (key, value) in rest.Entries)
            {
                var single = new PdfDictionary();
                single[key] = value;
                var bytes = single.ToBytes();
                output.Write(bytes.AsSpan(2, bytes.Length - 4));
            }

            PdfSerializer.Ascii(output, ">>\nendobj\n");
            return (byteRangeAt, contentsAt, contentsEnd);
        }

        /// <summary>Writes the cross-reference section in the input's kind and the trailer with /Prev; returns the whole file.</summary>
        public byte[] Finish(PdfFile file, PdfReference root)
        {
            var trailer = new PdfDictionary();
            if (file.UsesXrefStream)
            {
                var xrefReference = Allocate();
                var at = output.Position;
                written[xrefReference.Number] = (at, 0);
                var offsetWidth = at > uint.MaxValue ? 8 : 4;
                var index = new List<PdfObject>();
                var data = new MemoryStream();
                foreach (var (start, count) in Runs())
                {
                    index.Add(new PdfNumber(start));
                    index.Add(new PdfNumber(count));
                    for (var n = start; n < start + count; n++)
                    {
                        var (offset, generation) = written[n];
                        data.WriteByte(1);
                        for (var i = offsetWidth - 1; i >= 0; i--)
                        {
                            data.WriteByte((byte)(offset >> (8 * i)));
                        }

                        data.WriteByte((byte)(generation >> 8));
                        data.WriteByte((byte)generation);
                    }
                }

                // ISO 32000-1 §7.5.8.2, Table 17: an xref stream carries the trailer's entries itself.
                trailer["Type"] = new PdfName("XRef");
                trailer["Size"] = new PdfNumber(next);
                trailer["W"] = new PdfArray([new PdfNumber(1), new PdfNumber(offsetWidth), new PdfNumber(2)]);
                trailer["Index"] = new PdfArray(index);
                AddTrailerEntries(trailer, file, root);
                PdfSerializer.Ascii(output, $"{xrefReference.Number} 0 obj\n");
                PdfSerializer.Write(output, new PdfStream(trailer, data.ToArray()));
                PdfSerializer.Ascii(output, $"\nendobj\nstartxref\n{at}\n%%EOF\n");
                return output.ToArray();
            }

            var xrefAt = output.Position;
            PdfSerializer.Ascii(output, "xref\n");
            foreach (var (start, count) in Runs())
            {
                PdfSerializer.Ascii(output, $"{start} {count}\n");
                for (var n = start; n < start + count; n++)
                {
                    // ISO 32000-1 §7.5.4: each entry is exactly 20 bytes.
                    PdfSerializer.Ascii(output, $"{written[n].Offset:D10} {written[n].Generation:D5} n\r\n");
                }
            }

            trailer["Size"] = new PdfNumber(next);
            AddTrailerEntries(trailer, file, root);
            PdfSerializer.Ascii(output, "trailer\n");
            PdfSerializer.Write(output, trailer);
            PdfSerializer.Ascii(output, $"\nstartxref\n{xrefAt}\n%%EOF\n");
            return output.ToArray();
        }

        private static void AddTrailerEntries(PdfDictionary trailer, PdfFile file, PdfReference root)
        {
            trailer["Root"] = root;
            if (file.Trailer["Info"] is PdfReference info)
            {
                trailer["Info"] = info;
            }

            if (file.Trailer["ID"] is PdfArray id)
            {
                trailer["ID"] = id;
            }

            trailer["Prev"] = new PdfNumber(file.StartXref);
        }

        private IEnumerable<(int Start, int Count)> Runs()
        {
            var numbers = written.Keys.ToList();
            for (var i = 0; i < numbers.Count;)
            {
                var j = i + 1;
                while (j < numbers.Count && numbers[j] == numbers[j - 1] + 1)
                {
                    j++;
                }

                yield return (numbers[i], j - i);
                i = j;
            }
        }
    }
}
