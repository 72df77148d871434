using System.Buffers.Binary;

namespace ElectronicLicense.Seals.Ses;

/// <summary>Just enough PNG (ISO/IEC 15948) to accept a supplied seal picture: the signature and the IHDR chunk.</summary>
internal static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = MakeCrcTable();

    // 8 signature bytes, then IHDR: length (4), type (4), 13 data bytes, CRC (4).
    private const int MinLength = 8 + 4 + 4 + 13 + 4;

    public static bool TryRead(ReadOnlySpan<byte> png, out int widthPx, out int heightPx, out string? error)
    {
        widthPx = heightPx = 0;
        if (png.Length < MinLength || !png[..8].SequenceEqual(Signature))
        {
            error = "not a PNG file (the 8-byte PNG signature is missing).";
            return false;
        }

        // ISO/IEC 15948 11.2.2: "The IHDR chunk shall be the first chunk in the PNG datastream", 13 data bytes.
        var chunk = png[8..];
        if (BinaryPrimitives.ReadUInt32BigEndian(chunk) != 13 || !chunk.Slice(4, 4).SequenceEqual("IHDR"u8))
        {
            error = "the PNG does not start with a 13-byte IHDR chunk.";
            return false;
        }

        var data = chunk.Slice(8, 13);
        if (Crc(chunk.Slice(4, 17)) != BinaryPrimitives.ReadUInt32BigEndian(chunk.Slice(21, 4)))
        {
            error = "the PNG IHDR chunk has a wrong CRC (the file is damaged).";
            return false;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);

        // ISO/IEC 15948 11.2.2: width and height are 1 … 2^31-1.
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            error = $"the PNG size must be at least 1×1 pixels, got {width}×{height}.";
            return false;
        }

        var bitDepth = data[8];
        var colourType = data[9];

        // ISO/IEC 15948 Table 11.1: allowed colour type / bit depth combinations; compression and filter method 0; interlace 0 or 1.
        var depthOk = colourType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (!depthOk || data[10] != 0 || data[11] != 0 || data[12] > 1)
        {
            error = $"the PNG header is invalid (colour type {colourType}, bit depth {bitDepth}).";
            return false;
        }

        widthPx = (int)width;
        heightPx = (int)height;
        error = null;
        return true;
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
