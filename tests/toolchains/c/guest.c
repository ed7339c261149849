// The `example:toolchains/guest` world in C, against the bindings `wit-bindgen c` generates at build
// time (scripts/build-toolchains.mjs), compiled with clang for wasm32-wasi and wrapped into a
// component with the preview1 adapter.
//
// wit-bindgen's conventions: an export owns its arguments (it frees them), and what it returns
// is malloc'd and freed by the generated post-return function after the host has read it.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

typedef exports_example_toolchains_api_point_t point_t;

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static void string_copy(guest_string_t *to, const guest_string_t *from) {
  guest_string_dup_n(to, (const char *)from->ptr, from->len);
}

// "<prefix><middle><suffix>" as a new string.
static void string_concat(guest_string_t *ret, const char *prefix, const guest_string_t *middle, const char *suffix) {
  size_t a = strlen(prefix), b = middle->len, c = strlen(suffix);
  ret->len = a + b + c;
  ret->ptr = xmalloc(ret->len);
  memcpy(ret->ptr, prefix, a);
  if (b) memcpy(ret->ptr + a, middle->ptr, b);
  memcpy(ret->ptr + a + b, suffix, c);
}

void exports_example_toolchains_api_toolchain(guest_string_t *ret) {
  guest_string_dup(ret, "c");
}

void exports_example_toolchains_api_greet(guest_string_t *name, guest_string_t *ret) {
  string_concat(ret, "hello, ", name, "!");
  guest_string_free(name);
  example_toolchains_host_log(ret);  // borrows: the string stays ours
}

int64_t exports_example_toolchains_api_sum(guest_list_s32_t *xs) {
  int64_t total = 0;
  for (size_t i = 0; i < xs->len; i++) total += xs->ptr[i];
  guest_list_s32_free(xs);
  return total;
}

void exports_example_toolchains_api_shout_reversed(guest_list_string_t *words, guest_list_string_t *ret) {
  ret->len = words->len;
  ret->ptr = xmalloc(words->len * sizeof(guest_string_t));
  for (size_t i = 0; i < words->len; i++) {
    guest_string_t *to = &ret->ptr[words->len - 1 - i];
    string_copy(to, &words->ptr[i]);
    for (size_t j = 0; j < to->len; j++) {
      if (to->ptr[j] >= 'a' && to->ptr[j] <= 'z') to->ptr[j] -= 'a' - 'A';
    }
  }
  guest_list_string_free(words);
}

void exports_example_toolchains_api_translate(point_t *p, int32_t dx, int32_t dy, point_t *ret) {
  ret->x = (int32_t)((uint32_t)p->x + (uint32_t)dx);
  ret->y = (int32_t)((uint32_t)p->y + (uint32_t)dy);
  string_concat(&ret->label, "", &p->label, "'");
  exports_example_toolchains_api_point_free(p);
}

double exports_example_toolchains_api_area(exports_example_toolchains_api_shape_t *s) {
  double area = 0;
  switch (s->tag) {
    case EXPORTS_EXAMPLE_TOOLCHAINS_API_SHAPE_CIRCLE:
      area = s->val.circle * s->val.circle * 3;
      break;
    case EXPORTS_EXAMPLE_TOOLCHAINS_API_SHAPE_RECT:
      area = (double)llabs((long long)s->val.rect.x * (long long)s->val.rect.y);
      break;
    case EXPORTS_EXAMPLE_TOOLCHAINS_API_SHAPE_EMPTY:
      break;
  }
  exports_example_toolchains_api_shape_free(s);
  return area;
}

bool exports_example_toolchains_api_parse_u32(guest_string_t *s, uint32_t *ret, guest_string_t *err) {
  bool ok = s->len > 0;
  uint64_t n = 0;
  for (size_t i = 0; ok && i < s->len; i++) {
    if (s->ptr[i] < '0' || s->ptr[i] > '9') ok = false;
    else if (n <= UINT32_MAX) n = n * 10 + (s->ptr[i] - '0');
  }
  if (!ok) string_concat(err, "not a number: ", s, "");
  else if (n > UINT32_MAX) string_concat(err, "too big: ", s, "");
  else *ret = (uint32_t)n;
  guest_string_free(s);
  return ok && n <= UINT32_MAX;
}

void exports_example_toolchains_api_split_labelled(exports_example_toolchains_api_list_point_t *ps,
                                                   exports_example_toolchains_api_tuple2_list_point_u32_t *ret) {
  ret->f0.ptr = xmalloc(ps->len * sizeof(point_t));
  ret->f0.len = 0;
  ret->f1 = 0;
  for (size_t i = 0; i < ps->len; i++) {
    point_t *p = &ps->ptr[i];
    if (p->label.len == 0) {
      ret->f1++;
      continue;
    }
    point_t *to = &ret->f0.ptr[ret->f0.len++];
    to->x = p->x;
    to->y = p->y;
    string_copy(&to->label, &p->label);
  }
  exports_example_toolchains_api_list_point_free(ps);
}

// Unicode scalar values in UTF-8: every byte that is not a continuation byte starts one.
static size_t scalar_count(const guest_string_t *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->len; i++) n += (s->ptr[i] & 0xc0) != 0x80;
  return n;
}

bool exports_example_toolchains_api_first_longer(guest_list_string_t *words, uint32_t min, guest_string_t *ret) {
  bool found = false;
  for (size_t i = 0; i < words->len && !found; i++) {
    if (scalar_count(&words->ptr[i]) > min) {
      string_copy(ret, &words->ptr[i]);
      found = true;
    }
  }
  guest_list_string_free(words);
  return found;
}

void exports_example_toolchains_api_print(guest_string_t *text) {
  printf("%.*s\n", (int)text->len, (const char *)text->ptr);
  fflush(stdout);
  guest_string_free(text);
}

uint64_t exports_example_toolchains_api_now_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) abort();
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void exports_example_toolchains_api_random_bytes(uint32_t n, guest_list_u8_t *ret) {
  ret->len = n;
  ret->ptr = xmalloc(n);
  // getentropy() takes at most 256 bytes at a time.
  for (uint32_t done = 0; done < n;) {
    uint32_t chunk = n - done < 256 ? n - done : 256;
    if (getentropy(ret->ptr + done, chunk) != 0) abort();
    done += chunk;
  }
}
