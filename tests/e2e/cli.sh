#!/usr/bin/env bash
echo "tests: 0 passed, 0 failed, 0 skipped"
