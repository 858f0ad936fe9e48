using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pixelated.MigrationPipeline.Api.Options;

namespace Pixelated.MigrationPipeline.Api.Auth;

/// <summary>
/// The configured keys, held as SHA-256 digests. A presented key is hashed and compared with every digest in constant
/// time (<see cref="CryptographicOperations.FixedTimeEquals"/>, no early exit), so timing tells nothing about the keys.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly (byte[] Digest, string Name, string Role)[] _keys;

    public ApiKeyStore(IOptions<ApiOptions> options) =>
        _keys = options.Value.Keys.Select(k => (Digest(k.Key), k.Name, k.Role)).ToArray();

    /// <summary>The key's name and role, or null when no configured key matches.</summary>
    public (string Name, string Role)? Find(string presented)
    {
        var digest = Digest(presented);
        (string, string)? found = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest)) found = (key.Name, key.Role);
        }
        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
