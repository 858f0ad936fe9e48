namespace Pixelated.ZepEmulator.Endpoints;

/// <summary>Marks a POST endpoint that only reads (e.g. episode listing): fault injection leaves it alone.</summary>
internal sealed class ReadOnlyEndpoint
{
    public static readonly ReadOnlyEndpoint Instance = new();

    private ReadOnlyEndpoint()
    {
    }
}
