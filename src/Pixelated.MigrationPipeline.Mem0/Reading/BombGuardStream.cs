namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>Raised when decompression exceeds a cap; turned into a RecordFailed naming the member.</summary>
internal sealed class DecompressionLimitException(string reason) : IOException(reason);

/// <summary>Total decompressed bytes of one archive, shared by its members (nested gzip included).</summary>
internal sealed class DecompressionBudget(long maxTotalBytes)
{
    public long Used { get; private set; }

    public void Add(int bytes)
    {
        Used += bytes;
        if (Used > maxTotalBytes)
        {
            throw new DecompressionLimitException(
                $"archive decompresses to more than {maxTotalBytes / (1024 * 1024)} MB in total: refused as a possible zip bomb");
        }
    }
}

/// <summary>
/// Read-only wrapper around a decompressing stream that counts what comes out and throws
/// <see cref="DecompressionLimitException"/> once the output passes <c>ratioMinBytes</c> while being more than
/// <c>maxRatio</c> times the compressed size, or once the shared <see cref="DecompressionBudget"/> is spent.
/// </summary>
internal sealed class BombGuardStream(Stream inner, long compressedBytes, DecompressionBudget budget, double maxRatio, long ratioMinBytes)
    : Stream
{
    private long _produced;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _produced; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _produced += read;
        budget.Add(read);
        if (_produced > ratioMinBytes && _produced > maxRatio * Math.Max(1, compressedBytes))
        {
            throw new DecompressionLimitException(
                $"decompresses to more than {maxRatio:0}x its compressed size ({compressedBytes} bytes) past {ratioMinBytes / (1024 * 1024)} MB: refused as a possible zip bomb");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Splits a byte stream into lines (LF, optional CR) with their absolute byte offsets; a line longer than the cap is reported, not buffered.</summary>
internal sealed class ByteLineReader(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _length;
    private long _bufferOffset;
    private bool _eof;

    /// <summary>Next line (without its terminator), its offset, and whether it was cut for exceeding the cap (then Line is empty).</summary>
    public async Task<(ReadOnlyMemory<byte> Line, long Offset, bool TooLong)?> NextAsync(CancellationToken ct)
    {
        var scanFrom = _start;
        var skipping = false;
        long skipOffset = 0;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _start + _length - scanFrom);
            if (newline >= 0)
            {
                var offset = _bufferOffset + _start;
                var line = _buffer.AsMemory(_start, newline - _start);
                if (!line.IsEmpty && line.Span[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                var consumed = newline - _start + 1;
                _start += consumed;
                _length -= consumed;
                if (skipping)
                {
                    return (ReadOnlyMemory<byte>.Empty, skipOffset, true);
                }

                return (line, offset, false);
            }

            if (_eof)
            {
                if (_length == 0 && !skipping)
                {
                    return null;
                }

                var offset = skipping ? skipOffset : _bufferOffset + _start;
                var line = _buffer.AsMemory(_start, _length);
                if (!line.IsEmpty && line.Span[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                _start += _length;
                _length = 0;
                return skipping ? (ReadOnlyMemory<byte>.Empty, offset, true) : (line, offset, false);
            }

            // Make room: compact, grow up to the cap, or start skipping an over-long line.
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _length);
                _bufferOffset += _start;
                _start = 0;
            }

            if (_length == _buffer.Length)
            {
                if (_buffer.Length >= maxLineBytes)
                {
                    if (!skipping)
                    {
                        skipping = true;
                        skipOffset = _bufferOffset;
                    }

                    _bufferOffset += _length;
                    _length = 0;
                }
                else
                {
                    Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, maxLineBytes));
                }
            }

            scanFrom = _start + _length;
            var read = await stream.ReadAsync(_buffer.AsMemory(_start + _length), ct).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }

            _length += read;
        }
    }
}
