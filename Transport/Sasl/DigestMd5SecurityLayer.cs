using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// DIGEST-MD5's security layer (RFC 2831 section 2.3 and 2.4) as Cyrus SASL applies it: each token is
/// <c>CIPHER(Kc, {msg, pad, HMAC(Ki, {seq, msg})[0..9]})</c> (or, for integrity only, msg and the MAC in the
/// clear) followed by the version 0x0001 and the 4-byte sequence number. Keys are derived from H(A1) with the
/// RFC's magic constants, one set per direction; the stream ciphers and the DES CBC chains continue across
/// tokens, and a token out of sequence or with a wrong MAC is refused.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "RFC 2831 defines the layer with MD5, DES and RC4; libvirtd requires it on plain TCP.")]
public sealed class DigestMd5SecurityLayer : ISaslSecurityLayer, IDisposable
{
    private const int MacLength = 10;
    private const int TrailerLength = 6;
    private static readonly byte[] SigningClientToServer = Encoding.ASCII.GetBytes("Digest session key to client-to-server signing key magic constant");
    private static readonly byte[] SigningServerToClient = Encoding.ASCII.GetBytes("Digest session key to server-to-client signing key magic constant");
    private static readonly byte[] SealingClientToServer = Encoding.ASCII.GetBytes("Digest H(A1) to client-to-server sealing key magic constant");
    private static readonly byte[] SealingServerToClient = Encoding.ASCII.GetBytes("Digest H(A1) to server-to-client sealing key magic constant");

    private readonly IncrementalHash _sendMac;
    private readonly IncrementalHash _receiveMac;
    private readonly Rc4? _sendRc4;
    private readonly Rc4? _receiveRc4;
    private readonly SymmetricAlgorithm? _sendBlock;
    private readonly SymmetricAlgorithm? _receiveBlock;
    private readonly byte[] _sendIv = new byte[8];
    private readonly byte[] _receiveIv = new byte[8];
    // One per direction: the send path wraps while the input pump unwraps, on another thread.
    private readonly byte[] _sendMacScratch = new byte[16];
    private readonly byte[] _receiveMacScratch = new byte[16];
    private uint _sendSequence;
    private uint _receiveSequence;

    /// <summary>Creates the layer from a completed exchange.</summary>
    /// <param name="sessionKey">H(A1) of the exchange (16 bytes).</param>
    /// <param name="cipher">The negotiated cipher (rc4, rc4-56, rc4-40, des, 3des), or null for integrity protection only (qop auth-int).</param>
    /// <param name="isServer">Which end this is: it selects the key of each direction.</param>
    /// <param name="peerMaxBuffer">The peer's advertised maxbuf (largest token it accepts).</param>
    /// <param name="ownMaxBuffer">This side's advertised maxbuf (largest token accepted from the peer).</param>
    public DigestMd5SecurityLayer(ReadOnlySpan<byte> sessionKey, string? cipher, bool isServer, int peerMaxBuffer, int ownMaxBuffer)
    {
        if (sessionKey.Length != 16)
        {
            throw new ArgumentException("H(A1) is 16 bytes", nameof(sessionKey));
        }

        _sendMac = IncrementalHash.CreateHMAC(HashAlgorithmName.MD5, Derive(sessionKey, isServer ? SigningServerToClient : SigningClientToServer));
        _receiveMac = IncrementalHash.CreateHMAC(HashAlgorithmName.MD5, Derive(sessionKey, isServer ? SigningClientToServer : SigningServerToClient));
        Ssf = 1;
        if (cipher is not null)
        {
            DigestMd5Cipher spec = DigestMd5.FindCipher(cipher) ?? throw new ArgumentException($"Unknown DIGEST-MD5 cipher '{cipher}'", nameof(cipher));
            CipherName = spec.Name;
            Ssf = spec.Ssf;
            byte[] sendKey = Derive(sessionKey[..spec.KeyBytes], isServer ? SealingServerToClient : SealingClientToServer);
            byte[] receiveKey = Derive(sessionKey[..spec.KeyBytes], isServer ? SealingClientToServer : SealingServerToClient);
            if (spec.Name.StartsWith("rc4", StringComparison.Ordinal))
            {
                _sendRc4 = new Rc4(sendKey);
                _receiveRc4 = new Rc4(receiveKey);
            }
            else
            {
                _sendBlock = CreateBlockCipher(spec.Name, sendKey, _sendIv);
                _receiveBlock = CreateBlockCipher(spec.Name, receiveKey, _receiveIv);
            }
        }

        // The same margin Cyrus SASL keeps below the peer's maxbuf (length prefix, MAC, padding, trailer).
        MaxWrapInput = peerMaxBuffer - 4 - (cipher is null ? 16 : 25);
        MaxUnwrapInput = ownMaxBuffer;
        if (MaxWrapInput < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(peerMaxBuffer), "The peer's maxbuf leaves no room for data");
        }
    }

    /// <summary>The negotiated cipher, or null for integrity protection only.</summary>
    public string? CipherName { get; }

    /// <inheritdoc/>
    public int Ssf { get; }

    /// <inheritdoc/>
    public int MaxWrapInput { get; }

    /// <inheritdoc/>
    public int MaxUnwrapInput { get; }

    /// <inheritdoc/>
    public int GetMaxWrappedLength(int plaintextLength) => plaintextLength + MacLength + 8 + TrailerLength;

    /// <inheritdoc/>
    public int Wrap(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (plaintext.Length > MaxWrapInput)
        {
            throw new ArgumentException("The plaintext exceeds the peer's buffer", nameof(plaintext));
        }

        Span<byte> sequence = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sequence, _sendSequence);
        _sendMac.AppendData(sequence);
        _sendMac.AppendData(plaintext);
        _sendMac.GetHashAndReset(_sendMacScratch);
        ReadOnlySpan<byte> mac = _sendMacScratch.AsSpan(0, MacLength);
        int length;
        if (_sendRc4 is not null)
        {
            _sendRc4.Transform(plaintext, destination);
            _sendRc4.Transform(mac, destination[plaintext.Length..]);
            length = plaintext.Length + MacLength;
        }
        else if (_sendBlock is not null)
        {
            int padding = 8 - ((plaintext.Length + MacLength) % 8);
            plaintext.CopyTo(destination);
            destination.Slice(plaintext.Length, padding).Fill((byte)padding);
            mac.CopyTo(destination[(plaintext.Length + padding)..]);
            length = plaintext.Length + padding + MacLength;
            Span<byte> block = destination[..length];
            _sendBlock.EncryptCbc(block, _sendIv, block, PaddingMode.None);
            block[^8..].CopyTo(_sendIv);
        }
        else
        {
            plaintext.CopyTo(destination);
            mac.CopyTo(destination[plaintext.Length..]);
            length = plaintext.Length + MacLength;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[length..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(length + 2)..], _sendSequence);
        _sendSequence++;
        return length + TrailerLength;
    }

    /// <inheritdoc/>
    public int Unwrap(ReadOnlySpan<byte> token, Span<byte> destination)
    {
        if (token.Length < MacLength + TrailerLength || token.Length > MaxUnwrapInput)
        {
            throw new SaslException($"DIGEST-MD5: security layer token of {token.Length} bytes is out of range");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(token[^TrailerLength..]) != 1)
        {
            throw new SaslException("DIGEST-MD5: security layer token has an unknown version");
        }

        uint sequence = BinaryPrimitives.ReadUInt32BigEndian(token[^4..]);
        if (sequence != _receiveSequence)
        {
            throw new SaslException($"DIGEST-MD5: security layer token out of sequence (got {sequence}, expected {_receiveSequence})");
        }

        ReadOnlySpan<byte> body = token[..^TrailerLength];
        int plainLength;
        if (_receiveRc4 is not null)
        {
            _receiveRc4.Transform(body, destination);
            plainLength = body.Length - MacLength;
        }
        else if (_receiveBlock is not null)
        {
            if (body.Length % 8 != 0)
            {
                throw new SaslException("DIGEST-MD5: encrypted token is not a whole number of blocks");
            }

            Span<byte> nextIv = stackalloc byte[8];
            body[^8..].CopyTo(nextIv);
            _receiveBlock.DecryptCbc(body, _receiveIv, destination, PaddingMode.None);
            nextIv.CopyTo(_receiveIv);
            int padding = destination[body.Length - MacLength - 1];
            if (padding is < 1 or > 8 || body.Length < MacLength + padding)
            {
                throw new SaslException("DIGEST-MD5: encrypted token has invalid padding");
            }

            for (int p = 1; p <= padding; p++)
            {
                if (destination[body.Length - MacLength - p] != padding)
                {
                    throw new SaslException("DIGEST-MD5: encrypted token has invalid padding");
                }
            }

            plainLength = body.Length - MacLength - padding;
            destination.Slice(body.Length - MacLength, MacLength).CopyTo(destination[plainLength..]);
        }
        else
        {
            body.CopyTo(destination);
            plainLength = body.Length - MacLength;
        }

        Span<byte> sequenceBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sequenceBytes, _receiveSequence);
        _receiveMac.AppendData(sequenceBytes);
        _receiveMac.AppendData(destination[..plainLength]);
        _receiveMac.GetHashAndReset(_receiveMacScratch);
        if (!CryptographicOperations.FixedTimeEquals(_receiveMacScratch.AsSpan(0, MacLength), destination.Slice(plainLength, MacLength)))
        {
            throw new SaslException("DIGEST-MD5: security layer token failed its integrity check");
        }

        _receiveSequence++;
        return plainLength;
    }

    /// <summary>Releases the hash and cipher objects.</summary>
    public void Dispose()
    {
        _sendMac.Dispose();
        _receiveMac.Dispose();
        _sendBlock?.Dispose();
        _receiveBlock?.Dispose();
    }

    private static byte[] Derive(ReadOnlySpan<byte> key, byte[] magic)
    {
        byte[] input = new byte[key.Length + magic.Length];
        key.CopyTo(input);
        magic.CopyTo(input, key.Length);
        return MD5.HashData(input);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "3DES is one of DIGEST-MD5's ciphers.")]
    private static SymmetricAlgorithm CreateBlockCipher(string name, byte[] key, byte[] iv)
    {
        // The IV is the last 8 bytes of Kc; the keys are 7-byte slices of Kc spread over 8 bytes (parity bits ignored).
        key.AsSpan(8, 8).CopyTo(iv);
        if (name == "des")
        {
            DES des = DES.Create();
            des.Key = SpreadKey(key.AsSpan(0, 7));
            return des;
        }

        // Two-key triple DES (EDE with K1, K2, K1), K1 from Kc[0..7] and K2 from Kc[7..14]; spelled out as a
        // three-key bundle because OpenSSL 3 (under .NET on Linux) refuses 16-byte triple DES keys.
        byte[] ede = new byte[24];
        SpreadKey(key.AsSpan(0, 7)).CopyTo(ede, 0);
        SpreadKey(key.AsSpan(7, 7)).CopyTo(ede, 8);
        SpreadKey(key.AsSpan(0, 7)).CopyTo(ede, 16);
        TripleDES tripleDes = TripleDES.Create();
        tripleDes.Key = ede;
        return tripleDes;
    }

    private static byte[] SpreadKey(ReadOnlySpan<byte> seven)
    {
        byte[] key = new byte[8];
        key[0] = seven[0];
        for (int n = 1; n < 7; n++)
        {
            key[n] = (byte)((seven[n - 1] << (8 - n)) | (seven[n] >> n));
        }

        key[7] = (byte)(seven[6] << 1);
        for (int n = 0; n < 8; n++)
        {
            // Odd parity in the low bit, as DES keys are conventionally stored.
            int ones = System.Numerics.BitOperations.PopCount((uint)(key[n] & 0xFE));
            key[n] = (byte)((key[n] & 0xFE) | (ones % 2 == 0 ? 1 : 0));
        }

        return key;
    }
}
