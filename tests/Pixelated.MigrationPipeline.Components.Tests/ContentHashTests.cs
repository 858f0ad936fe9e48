using System.Security.Cryptography;
using System.Text;
using Pixelated.MigrationPipeline.Components.Conversion;

namespace Pixelated.MigrationPipeline.Components.Tests;

public sealed class ContentHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(340)] // at most 3 UTF-8 bytes per char (+3): 1,023 fits the 1,024-byte stack buffer
    [InlineData(341)] // 1,026 does not: the pooled buffer
    [InlineData(40_000)]
    public void Is_the_lowercase_hex_SHA256_of_the_UTF8_content(int length)
    {
        var content = string.Concat(Enumerable.Repeat("é€a", length / 3 + 1))[..length];

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

        Assert.Equal(expected, IdempotencyKey.ContentHash(content));
    }
}
