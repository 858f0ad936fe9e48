namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The innermost handler of the service's Zep client (added after the client's own handlers): times each attempt from
/// sending the request to having the whole response body, into the current request's <see cref="MemoryRequestTime.Zep"/>.
/// Everything outside it — the retry and rate-budget handlers, serialisation, the service's database — is the service's.
/// </summary>
public sealed class MemoryZepTimingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var timing = MemoryRequestTime.Current?.Zep;
        timing?.Enter();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken); // the body's transfer is Zep's time too
            return response;
        }
        finally
        {
            timing?.Exit();
        }
    }
}
