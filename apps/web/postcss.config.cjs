// Mantine's PostCSS preset: mixins, rem(), light-dark() and the breakpoint variables.
module.exports = {
  plugins: {
    "postcss-preset-mantine": {},
  },
};
