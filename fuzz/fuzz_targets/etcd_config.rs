#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pki_tests::fuzz::run("etcd_config", data));
