// AES-256-IGE for MTProto with the CPU's AES instructions (AES-NI).
//
// Every byte streamed from Telegram is IGE-decrypted once. IGE is sequential (each block needs the
// previous plaintext), so OpenSSL's parallel AES pipelines do not apply, and the published addons call
// OpenSSL once per 16-byte block (about 265 MB/s here: 4 of the 6 CPU-seconds a GiB may cost). Running
// the rounds inline is bounded by AESDEC latency instead: about 1 GB/s. See docs/adr/0006.
//
// Exports: `supported` (the CPU has AES-NI), `ige256Encrypt` / `ige256Decrypt(data, key, iv)` that
// return a new Buffer, and `ige256DecryptInPlace(data, key, iv)` that overwrites `data` (a received
// message the caller owns: one 1 MiB allocation less per message). `iv` is MTProto's 32 bytes: the
// previous cipher block, then the previous plain block. Inputs are any Uint8Array; data must be whole
// blocks.

#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <wmmintrin.h>
#include <emmintrin.h>

#define AES_NI __attribute__((target("aes,sse2")))
#define ROUNDS 14

AES_NI static inline __m128i expand_even(__m128i previous, __m128i assisted) {
  assisted = _mm_shuffle_epi32(assisted, 0xff);
  previous = _mm_xor_si128(previous, _mm_slli_si128(previous, 4));
  previous = _mm_xor_si128(previous, _mm_slli_si128(previous, 4));
  previous = _mm_xor_si128(previous, _mm_slli_si128(previous, 4));
  return _mm_xor_si128(previous, assisted);
}

AES_NI static inline __m128i expand_odd(__m128i previous, __m128i assisted) {
  assisted = _mm_shuffle_epi32(assisted, 0xaa);
  previous = _mm_xor_si128(previous, _mm_slli_si128(previous, 4));
  previous = _mm_xor_si128(previous, _mm_slli_si128(previous, 4));
  previous = _mm_xor_si128(previous, _mm_slli_si128(previous, 4));
  return _mm_xor_si128(previous, assisted);
}

// FIPS-197 key schedule for AES-256 (the round constants must be immediates, hence the unrolling).
AES_NI static void expand_key(const uint8_t *key, __m128i round_keys[ROUNDS + 1]) {
  __m128i *k = round_keys;
  k[0] = _mm_loadu_si128((const __m128i *)key);
  k[1] = _mm_loadu_si128((const __m128i *)(key + 16));
  k[2] = expand_even(k[0], _mm_aeskeygenassist_si128(k[1], 0x01));
  k[3] = expand_odd(k[1], _mm_aeskeygenassist_si128(k[2], 0x00));
  k[4] = expand_even(k[2], _mm_aeskeygenassist_si128(k[3], 0x02));
  k[5] = expand_odd(k[3], _mm_aeskeygenassist_si128(k[4], 0x00));
  k[6] = expand_even(k[4], _mm_aeskeygenassist_si128(k[5], 0x04));
  k[7] = expand_odd(k[5], _mm_aeskeygenassist_si128(k[6], 0x00));
  k[8] = expand_even(k[6], _mm_aeskeygenassist_si128(k[7], 0x08));
  k[9] = expand_odd(k[7], _mm_aeskeygenassist_si128(k[8], 0x00));
  k[10] = expand_even(k[8], _mm_aeskeygenassist_si128(k[9], 0x10));
  k[11] = expand_odd(k[9], _mm_aeskeygenassist_si128(k[10], 0x00));
  k[12] = expand_even(k[10], _mm_aeskeygenassist_si128(k[11], 0x20));
  k[13] = expand_odd(k[11], _mm_aeskeygenassist_si128(k[12], 0x00));
  k[14] = expand_even(k[12], _mm_aeskeygenassist_si128(k[13], 0x40));
}

// c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}
AES_NI static void ige_encrypt(const uint8_t *in, uint8_t *out, size_t length, const uint8_t *key,
                               const uint8_t *iv) {
  __m128i k[ROUNDS + 1];
  expand_key(key, k);
  __m128i previous_cipher = _mm_loadu_si128((const __m128i *)iv);
  __m128i previous_plain = _mm_loadu_si128((const __m128i *)(iv + 16));
  for (size_t offset = 0; offset < length; offset += 16) {
    __m128i plain = _mm_loadu_si128((const __m128i *)(in + offset));
    __m128i block = _mm_xor_si128(_mm_xor_si128(plain, previous_cipher), k[0]);
    for (int round = 1; round < ROUNDS; round++) block = _mm_aesenc_si128(block, k[round]);
    block = _mm_xor_si128(_mm_aesenclast_si128(block, k[ROUNDS]), previous_plain);
    _mm_storeu_si128((__m128i *)(out + offset), block);
    previous_cipher = block;
    previous_plain = plain;
  }
}

// p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}, with the equivalent inverse cipher's round keys. `out` may be `in`:
// each block is read before it is written.
AES_NI static void ige_decrypt(const uint8_t *in, uint8_t *out, size_t length, const uint8_t *key,
                               const uint8_t *iv) {
  __m128i k[ROUNDS + 1], d[ROUNDS + 1];
  expand_key(key, k);
  d[0] = k[ROUNDS];
  for (int round = 1; round < ROUNDS; round++) d[round] = _mm_aesimc_si128(k[ROUNDS - round]);
  d[ROUNDS] = k[0];
  __m128i previous_cipher = _mm_loadu_si128((const __m128i *)iv);
  __m128i previous_plain = _mm_loadu_si128((const __m128i *)(iv + 16));
  for (size_t offset = 0; offset < length; offset += 16) {
    __m128i cipher = _mm_loadu_si128((const __m128i *)(in + offset));
    __m128i block = _mm_xor_si128(_mm_xor_si128(cipher, previous_plain), d[0]);
    for (int round = 1; round < ROUNDS; round++) block = _mm_aesdec_si128(block, d[round]);
    block = _mm_xor_si128(_mm_aesdeclast_si128(block, d[ROUNDS]), previous_cipher);
    _mm_storeu_si128((__m128i *)(out + offset), block);
    previous_plain = block;
    previous_cipher = cipher;
  }
}

typedef void (*ige_function)(const uint8_t *, uint8_t *, size_t, const uint8_t *, const uint8_t *);

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/** The bytes of a Uint8Array argument (a Buffer is one), or NULL when it is not one. */
static const uint8_t *bytes_of(napi_env env, napi_value value, size_t *length) {
  bool is_typed_array = false;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return NULL;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok) return NULL;
  if (type != napi_uint8_array) return NULL;
  // An empty array may have no backing store; any non-NULL pointer will do for zero bytes.
  return data ? (const uint8_t *)data : (const uint8_t *)"";
}

/** Validates (data, key, iv) and runs `transform` into a new Buffer, or over `data` when `in_place`. */
static napi_value run(napi_env env, napi_callback_info info, ige_function transform, bool in_place) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3)
    return throw_type_error(env, "expected (data, key, iv)");
  size_t length = 0, key_length = 0, iv_length = 0;
  const uint8_t *data = bytes_of(env, argv[0], &length);
  const uint8_t *key = bytes_of(env, argv[1], &key_length);
  const uint8_t *iv = bytes_of(env, argv[2], &iv_length);
  if (!data || !key || !iv) return throw_type_error(env, "data, key and iv must be Uint8Arrays");
  if (key_length != 32) return throw_type_error(env, "the key must be 32 bytes");
  if (iv_length != 32) return throw_type_error(env, "the iv must be 32 bytes");
  if (length % 16 != 0) return throw_type_error(env, "the data must be a multiple of 16 bytes");
  // Copied first: the output may overlap the key or iv, and they are tiny.
  uint8_t key_copy[32], iv_copy[32];
  memcpy(key_copy, key, 32);
  memcpy(iv_copy, iv, 32);
  if (in_place) {
    transform(data, (uint8_t *)data, length, key_copy, iv_copy);
    return argv[0];
  }
  void *out = NULL;
  napi_value result;
  if (napi_create_buffer(env, length, &out, &result) != napi_ok) return NULL;
  transform(data, (uint8_t *)out, length, key_copy, iv_copy);
  return result;
}

static napi_value encrypt(napi_env env, napi_callback_info info) { return run(env, info, ige_encrypt, false); }
static napi_value decrypt(napi_env env, napi_callback_info info) { return run(env, info, ige_decrypt, false); }
static napi_value decrypt_in_place(napi_env env, napi_callback_info info) {
  return run(env, info, ige_decrypt, true);
}

static void export_function(napi_env env, napi_value exports, const char *name, napi_callback callback) {
  napi_value function;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, NULL, &function);
  napi_set_named_property(env, exports, name, function);
}

static napi_value init(napi_env env, napi_value exports) {
  __builtin_cpu_init();
  bool has_aes_ni = __builtin_cpu_supports("aes");
  napi_value supported;
  napi_get_boolean(env, has_aes_ni, &supported);
  napi_set_named_property(env, exports, "supported", supported);
  if (has_aes_ni) {
    export_function(env, exports, "ige256Encrypt", encrypt);
    export_function(env, exports, "ige256Decrypt", decrypt);
    export_function(env, exports, "ige256DecryptInPlace", decrypt_in_place);
  }
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
