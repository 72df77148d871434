namespace ElectronicLicense.Seals.Ofd;

/// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320) as ZIP stores it per entry.</summary>
/// <remarks>
/// System.IO.Compression stops inflating at the size the central directory announces and does not compare the CRC, so an entry
/// whose header understates its size would silently come back truncated; the reader checks the CRC itself.
/// </remarks>
internal static class ZipCrc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
