using ElectronicLicense.Seals.Ofd;
using FsCheck.Xunit;

namespace ElectronicLicense.Seals.Tests.Ofd;

public class ZipCrc32Tests
{
    [Fact]
    public void Crc32_matches_the_check_value_of_the_zip_polynomial()
    {
        // The CRC-32 (ISO 3309 / ITU-T V.42, as ZIP uses it) of "123456789" is CBF43926.
        Assert.Equal(0xCBF43926u, ZipCrc32.Compute("123456789"u8));
        Assert.Equal(0u, ZipCrc32.Compute([]));
    }

    [Property(MaxTest = 300)]
    public bool Crc32_equals_the_bytewise_table_definition_for_any_bytes(byte[] bytes) =>
        ZipCrc32.Compute(bytes) == TableCrc(bytes);

    [Fact]
    public void Crc32_equals_the_bytewise_table_definition_for_a_large_buffer()
    {
        var large = new byte[100_003];
        new Random(7).NextBytes(large);
        Assert.Equal(TableCrc(large), ZipCrc32.Compute(large));
    }

    private static uint TableCrc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            var c = (crc ^ b) & 0xFF;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            crc = c ^ (crc >> 8);
        }

        return ~crc;
    }
}
