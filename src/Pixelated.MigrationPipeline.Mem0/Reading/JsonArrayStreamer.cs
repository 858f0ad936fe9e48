using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Pixelated.MigrationPipeline.Mem0.Reading;

/// <summary>Something the streamer found: a record, or a failure that stops the stream.</summary>
internal abstract record StreamEvent;

/// <summary>One element of the records array, parsed on its own. The consumer disposes <see cref="Document"/>.</summary>
internal sealed record StreamedRecord(JsonDocument Document, long Index, long ByteOffset) : StreamEvent;

/// <summary>The JSON could not be read further. <see cref="Index"/> is -1 when the failure is not inside a record.</summary>
internal sealed record StreamFailure(long Index, long? ByteOffset, string Reason) : StreamEvent;

/// <summary>
/// Streams the elements of one JSON array — the root array (empty path) or the array reached through a chain of
/// object properties (e.g. <c>["results"]</c>) — from a stream with constant memory: a buffer (64 KB, grown only
/// when a single record is larger) read through a resumable <see cref="Utf8JsonReader"/>; each element is parsed
/// into its own <see cref="JsonDocument"/>. Tracks the record index and absolute byte offset (a UTF-8 BOM is skipped
/// but counted). After the array, the rest of the document is still read to check it is complete.
/// </summary>
internal sealed class JsonArrayStreamer
{
    private const int InitialBufferSize = 64 * 1024;
    public const int DefaultMaxRecordSize = 64 * 1024 * 1024;

    private enum Phase { Start, Seeking, InArray, AfterArray, Done }

    private readonly Stream _stream;
    private readonly IReadOnlyList<string> _path;
    private readonly Queue<StreamEvent> _pending = new();
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _length;
    private long _bufferFileOffset;
    private bool _eof;
    private bool _started;
    private JsonReaderState _state;
    private Phase _phase = Phase.Start;
    private int _matched;
    private bool _expectValue;
    private int _arrayDepth;
    private long _index;

    private readonly IReadOnlySet<string>? _collect;
    private string? _collectName;

    /// <param name="path">Property path to the records array; empty = root array; null = the root value is the one record.</param>
    /// <param name="collect">Top-level properties (outside the records array) parsed whole into <see cref="Collected"/>.</param>
    /// <param name="maxRecordBytes">Largest single JSON value accepted.</param>
    public JsonArrayStreamer(Stream stream, IReadOnlyList<string>? path, IReadOnlySet<string>? collect = null, int maxRecordBytes = DefaultMaxRecordSize)
    {
        _stream = stream;
        _single = path is null;
        _path = path ?? [];
        _collect = collect;
        _maxRecordSize = maxRecordBytes;
    }

    private readonly bool _single;
    private readonly int _maxRecordSize;

    /// <summary>Top-level values named in <c>collect</c>, parsed as they were passed. Owned by the streamer's consumer.</summary>
    public Dictionary<string, JsonDocument> Collected { get; } = new(StringComparer.Ordinal);

    private string PathText => _path.Count == 0 ? "top-level array" : $"'{string.Join('.', _path)}' array";

    public async IAsyncEnumerable<StreamEvent> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            while (_phase != Phase.Done)
            {
                ct.ThrowIfCancellationRequested();
                await FillAsync(ct).ConfigureAwait(false);
                Step();
                while (_pending.TryDequeue(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            while (_pending.TryDequeue(out var e))
            {
                (e as StreamedRecord)?.Document.Dispose();
            }
        }
    }

    private async Task FillAsync(CancellationToken ct)
    {
        while (!_eof && _length < _buffer.Length)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_length), ct).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }

            _length += read;
        }

        if (!_started)
        {
            _started = true;
            if (_length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                Compact(3);
            }
        }
    }

    private void Compact(int consumed)
    {
        Buffer.BlockCopy(_buffer, consumed, _buffer, 0, _length - consumed);
        _length -= consumed;
        _bufferFileOffset += consumed;
    }

    private void Step()
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _eof, _state);
        long recordOffset = -1;
        try
        {
            while (_phase != Phase.Done)
            {
                var before = reader.CurrentState;
                var beforeConsumed = reader.BytesConsumed;
                if (!reader.Read())
                {
                    if (_eof)
                    {
                        Finish();
                        return;
                    }

                    Suspend((int)reader.BytesConsumed, reader.CurrentState);
                    return;
                }

                switch (_phase)
                {
                    case Phase.Start when _single:
                        recordOffset = _bufferFileOffset + reader.TokenStartIndex;
                        if (!JsonDocument.TryParseValue(ref reader, out var single))
                        {
                            Suspend((int)beforeConsumed, before);
                            return;
                        }

                        _pending.Enqueue(new StreamedRecord(single, _index++, recordOffset));
                        recordOffset = -1;
                        _phase = Phase.AfterArray;
                        break;
                    case Phase.Start:
                        OnRoot(reader.TokenType);
                        break;
                    case Phase.Seeking when _collectName is not null:
                        if (!JsonDocument.TryParseValue(ref reader, out var collected))
                        {
                            Suspend((int)beforeConsumed, before);
                            return;
                        }

                        if (Collected.Remove(_collectName, out var previous))
                        {
                            previous.Dispose();
                        }

                        Collected[_collectName] = collected;
                        _collectName = null;
                        break;
                    case Phase.Seeking:
                        OnSeeking(ref reader);
                        break;
                    case Phase.InArray when reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == _arrayDepth:
                        _phase = Phase.AfterArray;
                        break;
                    case Phase.InArray:
                        recordOffset = _bufferFileOffset + reader.TokenStartIndex;
                        if (!JsonDocument.TryParseValue(ref reader, out var doc))
                        {
                            Suspend((int)beforeConsumed, before);
                            return;
                        }

                        _pending.Enqueue(new StreamedRecord(doc, _index++, recordOffset));
                        recordOffset = -1;
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            var inRecord = recordOffset >= 0;
            _pending.Enqueue(new StreamFailure(
                _phase == Phase.InArray ? _index : -1,
                inRecord ? recordOffset : _bufferFileOffset + reader.BytesConsumed,
                inRecord
                    ? "record is truncated or is not valid JSON; no further records can be read from this file"
                    : _phase == Phase.AfterArray
                        ? "JSON after the records array is truncated or invalid; the records before it were read"
                        : "file is truncated or is not valid JSON here; no further records can be read from this file"));
            _phase = Phase.Done;
        }
    }

    private void OnRoot(JsonTokenType token)
    {
        if (_path.Count == 0 && token == JsonTokenType.StartArray)
        {
            _phase = Phase.InArray;
            _arrayDepth = 0;
        }
        else if (_path.Count > 0 && token == JsonTokenType.StartObject)
        {
            _phase = Phase.Seeking;
        }
        else
        {
            Fail(-1, 0, $"top-level JSON value is a {token}, expected {(_path.Count == 0 ? "an array" : "an object")}");
        }
    }

    private void OnSeeking(ref Utf8JsonReader reader)
    {
        if (_expectValue)
        {
            _expectValue = false;
            var last = _matched == _path.Count - 1;
            var expected = last ? JsonTokenType.StartArray : JsonTokenType.StartObject;
            if (reader.TokenType != expected)
            {
                Fail(-1, _bufferFileOffset + reader.TokenStartIndex, $"'{_path[_matched]}' is a {reader.TokenType}, expected {(last ? "an array" : "an object")}");
                return;
            }

            if (last)
            {
                _phase = Phase.InArray;
                _arrayDepth = reader.CurrentDepth;
            }

            _matched++;
            return;
        }

        if (_collect is not null && _matched == 0 && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
        {
            var name = reader.GetString()!;
            if (_collect.Contains(name))
            {
                _collectName = name;
                return;
            }
        }

        if (reader.TokenType == JsonTokenType.PropertyName
            && reader.CurrentDepth == _matched + 1
            && reader.ValueTextEquals(_path[_matched]))
        {
            _expectValue = true;
        }
        else if (reader.TokenType is JsonTokenType.EndObject && reader.CurrentDepth == _matched)
        {
            Fail(-1, null, $"no {PathText} found in the file");
        }
    }

    private void Suspend(int consumed, JsonReaderState state)
    {
        _state = state;
        Compact(consumed);
        if (_length == _buffer.Length)
        {
            if (_buffer.Length >= _maxRecordSize)
            {
                Fail(_phase == Phase.InArray ? _index : -1, _bufferFileOffset, $"a single JSON value is larger than the {_maxRecordSize / (1024 * 1024)} MB record cap; reading stopped");
                return;
            }

            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxRecordSize));
        }
    }

    private void Finish()
    {
        if (_phase == Phase.Seeking)
        {
            Fail(-1, null, $"no {PathText} found in the file");
        }
        else if (_phase == Phase.Start)
        {
            Fail(-1, null, "file contains no JSON");
        }

        _phase = Phase.Done;
    }

    private void Fail(long index, long? offset, string reason)
    {
        _pending.Enqueue(new StreamFailure(index, offset, reason));
        _phase = Phase.Done;
    }
}
